//! The wrangler targets' shared body: parse, read every section, build an env from each.

use devflare_test::SecretsEnv;
use devflare_test::config::{Format, WranglerConfig};

use crate::checks::Lines;

/// Parses `text` as a wrangler config and reads every section of it.
pub fn wrangler(data: &[u8], format: Format, name: &str) {
    let text = String::from_utf8_lossy(data);
    let lines = Lines::new(&text);
    let config = match WranglerConfig::parse(&text, name, format) {
        Ok(config) => config,
        Err(error) => return lines.check_error(&error),
    };
    let envs: Vec<Option<String>> = std::iter::once(None)
        .chain(config.env_names().map(|name| Some(name.to_owned())))
        .collect();
    for env in &envs {
        match config.secrets_store_secrets(env.as_deref()) {
            Ok(decls) => decls.iter().for_each(|decl| lines.check(decl.location())),
            Err(error) => lines.check_error(&error),
        }
        if let Ok(others) = config.other_bindings(env.as_deref()) {
            others
                .iter()
                .for_each(|other| lines.check(other.location()));
        }
        let built = SecretsEnv::builder()
            .wrangler(&config, env.as_deref())
            .strict()
            .build();
        if let Err(error) = built {
            assert!(!error.to_string().is_empty());
        }
    }
    config
        .warnings()
        .iter()
        .for_each(|w| lines.check(w.location()));
}
