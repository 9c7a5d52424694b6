devflare_bindings::typed_env! {
    struct StatsEnv from "tests/ui/configs/no-such-wrangler.toml";
}

fn main() {}
