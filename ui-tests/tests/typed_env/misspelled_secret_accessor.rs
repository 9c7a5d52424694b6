devflare_bindings::typed_env! {
    struct BillingEnv from "configs/billing.toml";
}

fn partner_key(env: &impl devflare_bindings::VarsEnv) {
    let _ = BillingEnv::new(env).partner_api_kye();
}

fn main() {}
