devflare_bindings::typed_env! {
    struct StatsEnv from "configs/no-such-wrangler.toml";
}

fn main() {}
