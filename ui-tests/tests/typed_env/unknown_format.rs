devflare_bindings::typed_env! {
    struct StatsEnv from "wrangler.tml";
}

fn main() {}
