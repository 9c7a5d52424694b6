//! The stats Worker's webhook route (`POST /hooks/github`, `stats_worker::webhook`) in
//! workerd against the fakes: deliveries signed as GitHub signs them (HMAC-SHA256 of the raw
//! body, `X-Hub-Signature-256: sha256=<hex>`), rightly and wrongly, and with the secret
//! deleted. The requests are raw bytes on workerd's socket, as for every other row.

use std::fmt::Write as _;

use bytes::Bytes;
use devflare_test::{SecretsEnv, block_on, redact::Redactor};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::harness::Client;
use crate::report::{Counts, cell};
use crate::response::Observed;

/// The webhook secret seeded on both sides (a canary, never printed).
pub const WEBHOOK_KEY: &str = "conformance-webhook-key-Gt6Np3Vx";

const DELIVERY: &[u8] = br#"{"action":"opened","number":7}"#;

struct Delivery {
    name: &'static str,
    signature: Option<fn(&[u8]) -> String>,
    secret_seeded: bool,
}

fn sign(body: &[u8]) -> String {
    signature_with(WEBHOOK_KEY.as_bytes(), body)
}

fn signature_with(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

const DELIVERIES: [Delivery; 5] = [
    Delivery {
        name: "signed with the secret",
        signature: Some(sign),
        secret_seeded: true,
    },
    Delivery {
        name: "signed with another key",
        signature: Some(|body| signature_with(b"another-key-entirely", body)),
        secret_seeded: true,
    },
    Delivery {
        name: "signature in upper-case hex",
        signature: Some(|body| {
            let signed = sign(body);
            format!("sha256={}", signed["sha256=".len()..].to_ascii_uppercase())
        }),
        secret_seeded: true,
    },
    Delivery {
        name: "no signature",
        signature: None,
        secret_seeded: true,
    },
    Delivery {
        name: "signed, secret deleted",
        signature: Some(sign),
        secret_seeded: false,
    },
];

/// Runs the webhook rows against the stats Worker's harness; the table and its counts.
pub fn run(client: &Client, wrangler_toml: &std::path::Path) -> Result<(String, Counts), String> {
    let binding = stats_worker::webhook::WEBHOOK_BINDING;
    let mut counts = Counts::default();
    let mut out = String::from(
        "| delivery to `POST /hooks/github` | WEBHOOK_SECRET | native (fakes) | workerd | verdict |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    let mut redactor: Option<Redactor> = None;
    for delivery in &DELIVERIES {
        let env = SecretsEnv::builder()
            .wrangler_config(wrangler_toml)
            .secret(binding, WEBHOOK_KEY)
            .build()
            .map_err(|e| e.to_string())?;
        if !delivery.secret_seeded {
            env.admin().delete(binding).map_err(|e| e.to_string())?;
        }
        let signature = delivery.signature.map(|sign| sign(DELIVERY));
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("X-GitHub-Event", "pull_request"),
        ];
        if let Some(signature) = &signature {
            headers.push(("X-Hub-Signature-256", signature.as_str()));
        }
        let mut request = http::Request::builder()
            .method("POST")
            .uri(stats_worker::webhook::PATH);
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Bytes::from_static(DELIVERY))
            .map_err(|e| format!("building the delivery: {e}"))?;
        let response = block_on(stats_worker::webhook::github(&request, &env));
        let native: Result<Observed, String> = Ok(Observed {
            status: response.status().as_u16(),
            body: response.into_body(),
        });
        let workerd = if delivery.secret_seeded {
            client.put_secret(binding, WEBHOOK_KEY)
        } else {
            client.delete_secret(binding)
        }
        .and_then(|()| client.post(stats_worker::webhook::PATH, &headers, DELIVERY));
        let redactor = redactor.get_or_insert_with(|| env.redactor());
        let agree = matches!((&native, &workerd), (Ok(a), Ok(b)) if a == b);
        let verdict = counts.record(agree);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {verdict} |",
            delivery.name,
            if delivery.secret_seeded {
                "seeded"
            } else {
                "deleted"
            },
            cell(&native, redactor),
            cell(&workerd, redactor),
        );
    }
    let _ = writeln!(out, "\n{}", counts.closing_line("stats-worker webhook"));
    Ok((out, counts))
}
