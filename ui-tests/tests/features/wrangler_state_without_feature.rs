// `SecretsEnvBuilder::wrangler_state` without the `wrangler-state` feature: the error names it.
use devflare_test::prelude::*;

fn main() {
    let _builder = SecretsEnv::builder().wrangler_state(".");
}
