devflare_bindings::typed_env! {
    struct StatsEnv from "configs/wrangler.toml";
}

fn token(env: &impl devflare_bindings::SecretsStoreEnv) {
    let _ = StatsEnv::new(env).api_tokne();
}

fn main() {}
