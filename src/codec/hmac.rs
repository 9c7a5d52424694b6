//! HMAC-SHA256 and HMAC-SHA1 (RustCrypto, feature `webhooks`), once for the crate: the matrix
//! signs webhook requests with them (`checks/matrix/signature.rs`) and the redactor computes
//! the signatures a snapshot hides (`redact/signatures.rs`). Below both, so redaction depends
//! on no check. Their text forms are the codec's (`codec::hex`, `codec::base64`).

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// HMAC-SHA256 of `message` keyed with `key` (any length, the empty key included).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // `new_from_slice` accepts every key length for HMAC; the error arm cannot happen.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA1 of `message` keyed with `key`: GitHub's legacy `X-Hub-Signature`.
pub(crate) fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    // As above: every key length is accepted.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return [0; 20];
    };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Case, hex};

    /// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
    #[test]
    fn matches_the_rfc_vectors() {
        let (key, message) = (b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&hmac_sha256(key, message), Case::Lower),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha1(key, message), Case::Lower),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    #[test]
    fn accepts_an_empty_key() {
        assert_ne!(hmac_sha256(b"", b"x"), [0; 32]);
    }
}
