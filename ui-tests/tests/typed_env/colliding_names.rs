devflare_bindings::typed_env! {
    struct StatsEnv from "configs/colliding.jsonc";
}

fn main() {}
