//! Attribute macros of `tower-monitoring`; use them through `tower_monitoring::dependency`.
//!
//! Each wraps the body of an `async fn` in the matching wrapper of
//! `tower_monitoring::dependency`, so the call is measured, traced and attributed to the
//! inbound route exactly as if the wrapper had been written by hand.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ItemFn, Lit, MetaNameValue, ReturnType, Token};

/// Measures and traces an `async fn` as a database operation.
///
/// ```text
/// #[monitor_db(system = "sqlite", operation = "select", table = "users")]
/// async fn load_user(pool: &SqlitePool, id: i64) -> Result<User, sqlx::Error> { ... }
/// ```
///
/// The same as `tower_monitoring::dependency::db("sqlite", "select", "users", async { ... })`
/// around the body: an `Err` is a failure (`error.type="_OTHER"`), a dropped call is
/// cancelled. `error_type = name_error` names failures: `name_error` maps the error to a
/// `&'static str` from a small fixed set, as `Instrumented::error_type` does.
#[proc_macro_attribute]
pub fn monitor_db(args: TokenStream, item: TokenStream) -> TokenStream {
    attribute(args, item, "db", &["system", "operation", "table"])
}

/// Measures and traces an `async fn` as a cache operation; a lookup returning `Some` (or
/// `Ok(Some)`) is a hit.
///
/// ```text
/// #[monitor_cache(name = "users", operation = "get")]
/// async fn cached_user(cache: &Cache<i64, User>, id: i64) -> Option<User> { ... }
/// ```
#[proc_macro_attribute]
pub fn monitor_cache(args: TokenStream, item: TokenStream) -> TokenStream {
    attribute(args, item, "cache", &["name", "operation"])
}

/// Expands the attribute; on a mistake, the function as it was written beside one
/// `compile_error!`, so the rest of the crate still sees it and reports nothing else.
fn attribute(args: TokenStream, item: TokenStream, wrapper: &str, keys: &[&str]) -> TokenStream {
    attribute_tokens(args.into(), item.into(), wrapper, keys).into()
}

fn attribute_tokens(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
    wrapper: &str,
    keys: &[&str],
) -> proc_macro2::TokenStream {
    let expanded = syn::parse::Parser::parse2(
        Punctuated::<MetaNameValue, Token![,]>::parse_terminated,
        args,
    )
    .and_then(|args| expand(&args, syn::parse2(item.clone())?, wrapper, keys));
    match expanded {
        Ok(tokens) => tokens,
        Err(err) => {
            let error = err.into_compile_error();
            quote!(#error #item)
        }
    }
}

/// The optional argument naming failures: `error_type = path::to::fn` (or a closure), a
/// function from the error to a `&'static str`.
const ERROR_TYPE: &str = "error_type";

/// The optional argument naming the path to tower-monitoring, `crate = "::my_reexport"`, for
/// a crate that reaches it through another crate's re-export.
const CRATE: &str = "crate";

/// The path the expansion names tower-monitoring by: `crate = "..."` when given, else the
/// name the calling crate's Cargo.toml gives it (`monitoring = { package =
/// "tower-monitoring" }` makes it `::monitoring`), else `::tower_monitoring`.
fn crate_path(args: &Punctuated<MetaNameValue, Token![,]>) -> syn::Result<syn::Path> {
    if let Some(arg) = args.iter().find(|arg| arg.path.is_ident(CRATE)) {
        return match &arg.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(path),
                ..
            }) => path.parse(),
            other => Err(syn::Error::new_spanned(
                other,
                "`crate` must be a string literal such as \"::tower_monitoring\"",
            )),
        };
    }
    let name = match proc_macro_crate::crate_name("tower-monitoring") {
        Ok(proc_macro_crate::FoundCrate::Name(name)) => name,
        // The crate's own tests and examples, or a manifest that cannot be read.
        Ok(proc_macro_crate::FoundCrate::Itself) | Err(_) => "tower_monitoring".to_owned(),
    };
    let name = syn::Ident::new(&name, Span::call_site());
    Ok(syn::parse_quote!(::#name))
}

/// Rewrites `function`'s body into `wrapper(args..., async move { body }).await`, the
/// arguments taken from `args` in the order of `keys`.
fn expand(
    args: &Punctuated<MetaNameValue, Token![,]>,
    mut function: ItemFn,
    wrapper: &str,
    keys: &[&str],
) -> syn::Result<proc_macro2::TokenStream> {
    if function.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            function.sig.fn_token,
            format!("#[monitor_{wrapper}] goes on an `async fn`"),
        ));
    }
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        values.push(name_arg(args, key, wrapper)?);
    }
    // Optional: a function of the error naming its `error.type`.
    let error_type = args
        .iter()
        .find(|arg| arg.path.is_ident(ERROR_TYPE))
        .map(|arg| &arg.value);
    for arg in args {
        let name = arg
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if !keys.contains(&name.as_str()) && name != ERROR_TYPE && name != CRATE {
            return Err(syn::Error::new_spanned(
                &arg.path,
                format!(
                    "unknown argument `{name}`; expected {} and optionally {ERROR_TYPE} and \
                     {CRATE}",
                    keys.join(", ")
                ),
            ));
        }
    }
    let krate = crate_path(args)?;
    let output = match &function.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    let body = &function.block;
    let wrapper = syn::Ident::new(wrapper, Span::call_site());
    // The typed `let` fixes the block's output type, so `?` and `return` in the body keep
    // meaning what they meant in the function.
    let named = error_type.map(|map| quote!(.error_type(#map)));
    // Each name is checked as a `&'static str` where it is written, so a constant of
    // another type is reported at the constant.
    function.block = syn::parse_quote!({
        #krate::dependency::#wrapper(#({ let name: &'static str = #values; name },)* async move {
            let __tower_monitoring_output: #output = #body;
            __tower_monitoring_output
        })
        #named
        .await
    });
    Ok(quote!(#function))
}

/// The value of `key`: any expression of type `&'static str`, such as a string literal, a
/// constant or an associated constant (`table = Order::TABLE`).
fn name_arg<'a>(
    args: &'a Punctuated<MetaNameValue, Token![,]>,
    key: &str,
    wrapper: &str,
) -> syn::Result<&'a Expr> {
    let arg = args
        .iter()
        .find(|arg| arg.path.is_ident(key))
        .ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                format!("#[monitor_{wrapper}] needs `{key} = ...`, a `&'static str`"),
            )
        })?;
    match &arg.value {
        Expr::Lit(ExprLit { lit, .. }) if !matches!(lit, Lit::Str(_)) => {
            Err(syn::Error::new_spanned(
                lit,
                format!(
                    "`{key}` must be a `&'static str`: a string literal or a constant, \
                     such as `{key} = \"users\"` or `{key} = User::TABLE`"
                ),
            ))
        }
        value => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_db(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
        let args = syn::parse::Parser::parse2(
            Punctuated::<MetaNameValue, Token![,]>::parse_terminated,
            args,
        )
        .unwrap();
        match expand(
            &args,
            syn::parse2(item).unwrap(),
            "db",
            &["system", "operation", "table"],
        ) {
            Ok(tokens) => tokens.to_string(),
            Err(err) => format!("error: {err}"),
        }
    }

    #[test]
    fn wraps_the_body_keeping_the_signature() {
        let out = expand_db(
            quote!(system = "sqlite", operation = "select", table = "users"),
            quote!(
                async fn load(id: i64) -> Result<u8, E> {
                    Ok(1)
                }
            ),
        );
        assert!(
            out.starts_with("async fn load (id : i64) -> Result < u8 , E >"),
            "{out}"
        );
        assert!(
            out.contains(":: tower_monitoring :: dependency :: db ({ let name : & 'static str = \"sqlite\" ; name } ,"),
            "{out}"
        );
        assert!(
            out.contains("let __tower_monitoring_output : Result < u8 , E > ="),
            "{out}"
        );
    }

    #[test]
    fn bad_arguments_are_clear_errors() {
        let missing = expand_db(
            quote!(system = "sqlite"),
            quote!(
                async fn f() {}
            ),
        );
        assert_eq!(
            missing,
            "error: #[monitor_db] needs `operation = ...`, a `&'static str`"
        );
        let unknown = expand_db(
            quote!(system = "a", operation = "b", table = "c", tabel = "d"),
            quote!(
                async fn f() {}
            ),
        );
        assert!(unknown.contains("unknown argument `tabel`"), "{unknown}");
        let not_async = expand_db(
            quote!(system = "a", operation = "b", table = "c"),
            quote!(
                fn f() {}
            ),
        );
        assert!(not_async.contains("goes on an `async fn`"), "{not_async}");
        let named = expand_db(
            quote!(
                system = "a",
                operation = "b",
                table = "c",
                error_type = name_error
            ),
            quote!(
                async fn f() -> Result<(), E> {
                    Ok(())
                }
            ),
        );
        assert!(
            named.contains(". error_type (name_error) . await"),
            "{named}"
        );
        let not_string = expand_db(
            quote!(system = 5, operation = "b", table = "c"),
            quote!(
                async fn f() {}
            ),
        );
        assert!(
            not_string.contains("must be a `&'static str`"),
            "{not_string}"
        );
    }

    #[test]
    fn a_mistake_keeps_the_function_beside_one_error() {
        let item = quote!(
            async fn load() -> Option<u8> {
                None
            }
        );
        for args in [
            quote!(system = 5, operation = "select", table = "users"),
            quote!(system = "sqlite", operation = "select"),
            quote!(system = , operation = "select", table = "users"),
        ] {
            let out = attribute_tokens(args, item.clone(), "db", &["system", "operation", "table"])
                .to_string();
            assert_eq!(out.matches("compile_error").count(), 1, "{out}");
            assert!(out.ends_with(&item.to_string()), "{out}");
        }
    }

    #[test]
    fn constants_and_associated_constants_name_the_call() {
        let out = expand_db(
            quote!(system = SYSTEM, operation = "select", table = Order::TABLE),
            quote!(
                async fn load() -> Option<u8> {
                    None
                }
            ),
        );
        assert!(
            out.contains("let name : & 'static str = SYSTEM ; name"),
            "{out}"
        );
        assert!(
            out.contains("let name : & 'static str = Order :: TABLE ; name"),
            "{out}"
        );
    }

    #[test]
    fn the_crate_path_can_be_named() {
        let out = expand_db(
            quote!(
                system = "a",
                operation = "b",
                table = "c",
                crate = "::platform::monitoring"
            ),
            quote!(
                async fn f() {}
            ),
        );
        assert!(
            out.contains(":: platform :: monitoring :: dependency :: db"),
            "{out}"
        );
    }
}
