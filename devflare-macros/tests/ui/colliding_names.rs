devflare_bindings::typed_env! {
    struct StatsEnv from "tests/ui/configs/colliding.jsonc";
}

fn main() {}
