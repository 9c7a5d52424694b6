devflare_bindings::typed_env! {
    struct BillingEnv from "configs/billing.toml";
}

fn environment(env: &impl devflare_bindings::VarsEnv) {
    let _ = BillingEnv::new(env).enviroment();
}

fn main() {}
