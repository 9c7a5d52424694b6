devflare_bindings::typed_env! {
    struct StatsEnv from "configs/wrangler.toml";
}

fn main() {
    let _fixture = StatsEnvFixture::new().api_token("t").greeting("hello");
}
