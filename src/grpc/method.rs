//! `rpc.method` from the request path: `/package.Service/Method` becomes
//! `package.Service/Method`. A path that is not one is `_OTHER`, and so is a method the
//! server answers `UNIMPLEMENTED` (it does not serve it), so a scanner cannot grow the series
//! count; past a cap the rest fold too.

use crate::http::Fold;

/// The value of `rpc.method` for a method the layer does not name.
pub(crate) const OTHER: &str = "_OTHER";

/// Methods a layer names before the rest fold into `_OTHER`: far more than a service defines.
pub(crate) const DEFAULT_MAX_METHODS: usize = 1_000;

/// The method a request path names, when it is one: one `/`-separated service and method of
/// letters, digits, `_` and `.`.
pub(crate) fn from_path(path: &str) -> Option<&str> {
    let method = path.strip_prefix('/')?;
    let (service, name) = method.split_once('/')?;
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.')
    };
    (valid(service) && valid(name)).then_some(method)
}

/// The label of `method` among those `fold` keeps.
pub(crate) fn label(fold: &Fold, method: Option<&str>) -> std::sync::Arc<str> {
    let index = method.and_then(|method| fold.index(method));
    match index {
        Some(_) => fold.value(index),
        None => OTHER.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_service_and_a_method_make_a_name() {
        assert_eq!(
            from_path("/helloworld.Greeter/SayHello"),
            Some("helloworld.Greeter/SayHello")
        );
        for path in [
            "/",
            "/x",
            "/a/b/c",
            "//SayHello",
            "/a/",
            "/a b/c",
            "/a/%2e",
            "noslash/x",
        ] {
            assert_eq!(from_path(path), None, "{path}");
        }
    }

    #[test]
    fn past_the_cap_methods_fold() {
        let fold = Fold::capped(2);
        assert_eq!(&*label(&fold, Some("a.S/One")), "a.S/One");
        assert_eq!(&*label(&fold, Some("a.S/Two")), "a.S/Two");
        assert_eq!(&*label(&fold, Some("a.S/Three")), OTHER);
        assert_eq!(&*label(&fold, Some("a.S/One")), "a.S/One");
        assert_eq!(&*label(&fold, None), OTHER);
    }
}
