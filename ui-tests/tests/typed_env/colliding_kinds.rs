devflare_bindings::typed_env! {
    struct BillingEnv from "configs/colliding_kinds.toml";
}

fn main() {}
