devflare_bindings::typed_env! {
    struct BillingEnv from "configs/billing.toml";
}

fn main() {
    // Only `secrets.required` declares classic secrets: `STRIPE_KEY` is not one.
    let _ = BillingEnvFixture::new().stripe_key("sk-test");
}
