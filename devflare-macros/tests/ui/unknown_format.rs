devflare_bindings::typed_env! {
    struct StatsEnv from "tests/ui/configs/wrangler.yaml";
}

fn main() {}
