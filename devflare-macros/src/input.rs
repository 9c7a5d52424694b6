//! The macro's input: `[krate] (attrs vis struct Name from "path" (, env = "NAME")? ;)*`.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Token, Visibility, bracketed};

mod kw {
    syn::custom_keyword!(from);
    syn::custom_keyword!(env);
}

/// Everything between the braces.
pub(crate) struct Invocation {
    /// The path generated code names the seam crate by (`$crate` of devflare-bindings).
    pub(crate) krate: TokenStream,
    pub(crate) declarations: Vec<Declaration>,
}

/// One `struct Name from "path";`.
pub(crate) struct Declaration {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) name: Ident,
    /// Relative to `CARGO_MANIFEST_DIR`.
    pub(crate) path: LitStr,
    /// `[env.NAME]`, or the top level.
    pub(crate) env: Option<LitStr>,
}

impl Parse for Invocation {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate;
        bracketed!(krate in input);
        let krate: TokenStream = krate.parse()?;
        let mut declarations = Vec::new();
        while !input.is_empty() {
            declarations.push(input.parse()?);
        }
        if declarations.is_empty() {
            return Err(input.error(
                "typed_env! expects at least one `pub struct Name from \"wrangler.toml\";`",
            ));
        }
        Ok(Self {
            krate,
            declarations,
        })
    }
}

impl Parse for Declaration {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        input.parse::<kw::from>().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected `from \"wrangler.toml\"` (the config file, relative to CARGO_MANIFEST_DIR)",
            )
        })?;
        let path = input.parse()?;
        let mut env = None;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            input.parse::<kw::env>().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected `env = \"NAME\"` (an `[env.NAME]` section)",
                )
            })?;
            input.parse::<Token![=]>()?;
            env = Some(input.parse()?);
        }
        // The separator is optional after the last declaration.
        if !input.is_empty() {
            input.parse::<Token![;]>()?;
        }
        Ok(Self {
            attrs,
            vis,
            name,
            path,
            env,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parses_declarations_with_and_without_env() {
        let parsed: Invocation = syn::parse2(quote! {
            [::devflare_bindings]
            /// Docs.
            pub struct A from "wrangler.toml";
            struct B from "wrangler.jsonc", env = "staging"
        })
        .unwrap();
        assert_eq!(parsed.krate.to_string(), ":: devflare_bindings");
        let [a, b] = &parsed.declarations[..] else {
            panic!("two declarations expected");
        };
        assert_eq!(
            (a.name.to_string(), a.path.value()),
            ("A".into(), "wrangler.toml".into())
        );
        assert_eq!(a.attrs.len(), 1);
        assert!(a.env.is_none());
        assert_eq!(
            b.env.as_ref().map(LitStr::value).as_deref(),
            Some("staging")
        );
        assert!(matches!(b.vis, Visibility::Inherited));
    }

    #[test]
    fn says_what_to_write() {
        let error = syn::parse2::<Invocation>(quote! { [k] pub struct A "wrangler.toml"; })
            .err()
            .unwrap();
        assert!(
            error
                .to_string()
                .contains("expected `from \"wrangler.toml\"`"),
            "{error}"
        );
        let error = syn::parse2::<Invocation>(quote! { [k] }).err().unwrap();
        assert!(error.to_string().contains("at least one"), "{error}");
    }
}
