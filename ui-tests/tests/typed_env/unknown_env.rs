devflare_bindings::typed_env! {
    struct StagingEnv from "configs/wrangler.toml", env = "stagign";
}

fn main() {}
