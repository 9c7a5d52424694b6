//! `secrets_env!`: an env from explicit values in one line.

/// Builds a [`SecretsEnv`](crate::SecretsEnv) from explicit values.
///
/// Two entry forms, mixed freely, comma-separated:
///
/// - `NAME => value` binds `NAME` to secret `NAME` in
///   [`DEFAULT_STORE_ID`](crate::secrets::DEFAULT_STORE_ID) — or, when another entry already bound
///   `NAME`, gives that secret the value;
/// - `NAME: "store_id"/"secret_name" => value` binds `NAME` to that secret and gives it
///   the value.
///
/// `value` is any expression that converts into `Arc<str>` (`&str`, `String`, …).
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! {
///     API_TOKEN => "test-token",
///     SIGNING_KEY: "store-123"/"signing-key" => String::from("k"),
/// };
/// assert_eq!(
///     env.reference("SIGNING_KEY").unwrap().to_string(),
///     "store-123/signing-key"
/// );
/// ```
///
/// # Panics
///
/// When the same binding name gets two explicit references (the message names it, never a
/// value). Everything else is checked at compile time:
///
/// ```compile_fail
/// let env = devflare_test::secrets_env! { "API_TOKEN" => "v" }; // names are identifiers
/// ```
#[macro_export]
macro_rules! secrets_env {
    ($($entries:tt)*) => {
        $crate::__secrets_env!(@entries [$crate::SecretsEnv::builder()] $($entries)*)
    };
}

/// Not public API: the entry muncher behind [`secrets_env!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __secrets_env {
    (@entries [$builder:expr]) => {
        $crate::__private::build_or_panic($builder)
    };
    (@entries [$builder:expr] $binding:ident => $value:expr $(, $($rest:tt)*)?) => {
        $crate::__secrets_env!(
            @entries [$builder.secret(::core::stringify!($binding), $value)] $($($rest)*)?
        )
    };
    (@entries [$builder:expr]
        $binding:ident : $store_id:literal / $secret_name:literal => $value:expr
        $(, $($rest:tt)*)?
    ) => {
        $crate::__secrets_env!(
            @entries [$builder
                .bind(::core::stringify!($binding), $crate::secrets::SecretRef::new($store_id, $secret_name))
                .secret(::core::stringify!($binding), $value)]
            $($($rest)*)?
        )
    };
    (@entries [$builder:expr] $binding:literal $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "secrets_env!: a binding name is an identifier, as in wrangler config: write `NAME => value`, not ",
            ::core::stringify!($binding),
            " => value"
        ))
    };
    (@entries [$builder:expr] $binding:ident : $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "secrets_env!: after `",
            ::core::stringify!($binding),
            ":` write the secret as \"store_id\"/\"secret_name\" => value, both string literals"
        ))
    };
    (@entries [$builder:expr] $binding:ident $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "secrets_env!: expected `",
            ::core::stringify!($binding),
            " => value` (entries are separated by commas)"
        ))
    };
    (@entries [$builder:expr] $($rest:tt)*) => {
        ::core::compile_error!(
            "secrets_env!: expected `NAME => value` or `NAME: \"store_id\"/\"secret_name\" => value`"
        )
    };
}
