devflare_bindings::typed_env! {
    struct StagingEnv from "tests/ui/configs/wrangler.toml", env = "stagign";
}

fn main() {}
