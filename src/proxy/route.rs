//! Which operation a proxied path and method mean. The table mirrors Twilio's paths under the
//! proxy's `/api/v1` prefix, for exactly the operations the builders know.

use crate::api::{Operation, OperationSpec, OPERATIONS};

/// A matched route: the operation and the path parameter it carries, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The operation the path and method mean.
    pub operation: Operation,
    /// `(name, raw percent-encoded segment)`; decoded and validated later by the builders.
    pub path_param: Option<(&'static str, String)>,
}

/// The outcome of routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A known operation.
    Matched(Matched),
    /// The path exists but not with this method; the methods it takes.
    MethodNotAllowed(&'static [&'static str]),
    /// No operation has this path.
    NotFound,
}

/// Routes `path` (below the API prefix, e.g. `/PushNotifications/Apps/demo_app`) by the path
/// templates of [`OPERATIONS`]. A literal segment beats a `{param}` one, so
/// `/PushNotifications/Apps` is `listApps`, not a notification whose ID is `Apps`.
pub fn route(method: &str, path: &str) -> Route {
    let bytes = path.as_bytes();
    if bytes.ends_with(b"/") || bytes.windows(2).any(|w| w == b"//") {
        // `//`, a trailing slash: not a path the API has.
        return Route::NotFound;
    }
    // The operations whose template matches best (most literal segments), and the param.
    let mut best: Vec<&'static OperationSpec> = Vec::new();
    let mut best_literals = 0;
    let mut param = None;
    for spec in &OPERATIONS {
        let Some((literals, value)) = match_template(spec.path, path) else {
            continue;
        };
        if best.is_empty() || literals > best_literals {
            best.clear();
            best_literals = literals;
            param = spec.id_param.zip(value);
        } else if literals < best_literals {
            continue;
        }
        best.push(spec);
    }
    if best.is_empty() {
        return Route::NotFound;
    }
    match best.iter().find(|spec| spec.method == method) {
        Some(spec) => Route::Matched(Matched {
            operation: spec.operation,
            path_param: param.map(|(name, value)| (name, value.to_string())),
        }),
        None => Route::MethodNotAllowed(allowed(&best)),
    }
}

/// Whether `path` fits `template` segment by segment: the number of literal segments, and the
/// raw segment standing for its `{param}`, if any. Segments are found by scanning bytes for
/// `/` (ASCII, so every cut is a char boundary): `str::split` with its char searcher cost the
/// proxy ~15 µs per request across the table in the size-optimized build.
fn match_template<'p>(template: &str, path: &'p str) -> Option<(usize, Option<&'p str>)> {
    let (t, p) = (template.as_bytes(), path.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut literals = 0;
    let mut value = None;
    loop {
        let (t_end, p_end) = (segment_end(t, i), segment_end(p, j));
        let want = &t[i..t_end];
        if want.first() == Some(&b'{') {
            value = Some(&path[j..p_end]);
        } else if want == &p[j..p_end] {
            literals += 1;
        } else {
            return None;
        }
        match (t_end == t.len(), p_end == p.len()) {
            (true, true) => return Some((literals, value)),
            (false, false) => (i, j) = (t_end + 1, p_end + 1),
            _ => return None,
        }
    }
}

/// Where the segment starting at `from` ends: the next `/`, or the end.
fn segment_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < bytes.len() && bytes[end] != b'/' {
        end += 1;
    }
    end
}

fn allowed(specs: &[&OperationSpec]) -> &'static [&'static str] {
    let has = |m: &str| specs.iter().any(|spec| spec.method == m);
    match (has("GET"), has("POST"), has("PATCH"), has("DELETE")) {
        (true, true, false, false) => &["GET", "POST"],
        (true, false, true, true) => &["GET", "PATCH", "DELETE"],
        (true, false, false, true) => &["GET", "DELETE"],
        (true, false, true, false) => &["GET", "PATCH"],
        _ => &["GET"],
    }
}

/// The query parameters an operation takes, and how each is typed in the params object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryType {
    /// A string, as given.
    Text,
    /// A whole number (refused otherwise).
    Integer,
    /// `true` or `false` (refused otherwise).
    Boolean,
    /// `k:v;k2:v2;` into an object.
    Tags,
}

impl QueryType {
    /// How the query parameter `name` is typed: the same in every operation that takes it.
    fn of(name: &str) -> QueryType {
        match name {
            "pageSize" => QueryType::Integer,
            "isDefault" => QueryType::Boolean,
            "tags" => QueryType::Tags,
            _ => QueryType::Text,
        }
    }
}

/// The query parameters `op` reads from a proxied URL (those of its row of [`OPERATIONS`] that
/// are not in its path; only lists have any), with their types: any other is refused.
pub(crate) fn query_params(op: Operation) -> Vec<(&'static str, QueryType)> {
    op.spec()
        .query_params()
        .map(|name| (name, QueryType::of(name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Option<(Operation, Option<String>)> {
        match route(method, path) {
            Route::Matched(m) => Some((m.operation, m.path_param.map(|p| p.1))),
            _ => None,
        }
    }

    #[test]
    fn every_operation_has_exactly_one_route() {
        let paths = [
            ("POST", "/PushNotifications"),
            ("GET", "/PushNotifications"),
            ("GET", "/PushNotifications/comms_pushnotification_1"),
            ("GET", "/PushNotifications/Operations"),
            ("GET", "/PushNotifications/Operations/op1"),
            ("GET", "/PushNotifications/Operations/op1/Errors"),
            ("GET", "/PushNotifications/DeviceRegistrations"),
            ("POST", "/PushNotifications/DeviceRegistrations"),
            ("GET", "/PushNotifications/DeviceRegistrations/r1"),
            ("DELETE", "/PushNotifications/DeviceRegistrations/r1"),
            ("GET", "/PushNotifications/Credentials"),
            ("POST", "/PushNotifications/Credentials"),
            ("GET", "/PushNotifications/Credentials/c1"),
            ("PATCH", "/PushNotifications/Credentials/c1"),
            ("DELETE", "/PushNotifications/Credentials/c1"),
            ("GET", "/PushNotifications/Apps"),
            ("GET", "/PushNotifications/Apps/a"),
            ("PATCH", "/PushNotifications/Apps/a"),
            ("GET", "/PushNotifications/Users"),
            ("GET", "/PushNotifications/Users/u"),
            ("DELETE", "/PushNotifications/Users/u"),
        ];
        let mut seen: Vec<Operation> = paths.iter().map(|(m, p)| op(m, p).unwrap().0).collect();
        seen.sort_by_key(|o| o.name());
        seen.dedup();
        assert_eq!(seen.len(), Operation::ALL.len());
        for (m, p) in paths {
            assert_eq!(op(m, p).unwrap().0.method(), m, "{m} {p}");
        }
    }

    #[test]
    fn other_paths_and_methods_are_refused() {
        assert_eq!(route("GET", "/"), Route::NotFound);
        assert_eq!(route("GET", "/PushNotificationsX"), Route::NotFound);
        assert_eq!(route("GET", "/PushNotifications/"), Route::NotFound);
        assert_eq!(route("GET", "/PushNotifications//Apps"), Route::NotFound);
        assert_eq!(route("GET", "/PushNotifications/Apps/a/b"), Route::NotFound);
        assert_eq!(
            route("GET", "/PushNotifications/Users/u/Devices"),
            Route::NotFound
        );
        assert_eq!(
            route("PUT", "/PushNotifications"),
            Route::MethodNotAllowed(&["GET", "POST"])
        );
        assert_eq!(
            route("DELETE", "/PushNotifications/Apps/a"),
            Route::MethodNotAllowed(&["GET", "PATCH"])
        );
        assert_eq!(
            route("POST", "/PushNotifications/Credentials/c"),
            Route::MethodNotAllowed(&["GET", "PATCH", "DELETE"])
        );
        // Collection names are never read as notification IDs.
        assert_eq!(
            route("DELETE", "/PushNotifications/Apps"),
            Route::MethodNotAllowed(&["GET"])
        );
    }

    /// The query parameters come from the operation table: a list's params but its path's, typed
    /// by name; the other operations take none.
    #[test]
    fn query_parameters_are_the_lists_params_typed() {
        use QueryType::*;
        assert_eq!(
            query_params(Operation::ListCredentials),
            [
                ("appName", Text),
                ("credentialType", Text),
                ("isDefault", Boolean),
                ("startDate", Text),
                ("endDate", Text),
                ("pageToken", Text),
                ("pageSize", Integer),
            ]
        );
        assert_eq!(
            query_params(Operation::ListPushNotifications)[2],
            ("tags", Tags)
        );
        assert_eq!(
            query_params(Operation::ListOperationErrors),
            [("pageToken", Text), ("pageSize", Integer)]
        );
        for op in Operation::ALL {
            let takes_query = op.kind() == crate::api::OperationKind::List;
            assert_eq!(!query_params(op).is_empty(), takes_query, "{op:?}");
        }
    }

    /// The matcher as `str::split` reads it (what the byte scan replaced).
    fn match_by_split<'p>(template: &str, path: &'p str) -> Option<(usize, Option<&'p str>)> {
        let mut literals = 0;
        let mut value = None;
        let mut got = path.split('/');
        for want in template.split('/') {
            let seg = got.next()?;
            if want.starts_with('{') {
                value = Some(seg);
            } else if want == seg {
                literals += 1;
            } else {
                return None;
            }
        }
        got.next().is_none().then_some((literals, value))
    }

    #[test]
    fn the_byte_scan_matches_as_split_does() {
        let segments = [
            "",
            "PushNotifications",
            "Apps",
            "a",
            "Operations",
            "Errors",
            "é/",
        ];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| segments.iter().map(move |s| format!("{p}/{s}")))
                .collect();
            paths.extend(longer);
        }
        paths.extend(["PushNotifications", "x/y", "/PushNotifications/Apps/"].map(String::from));
        for spec in &OPERATIONS {
            for path in &paths {
                assert_eq!(
                    match_template(spec.path, path),
                    match_by_split(spec.path, path),
                    "{} {path:?}",
                    spec.path
                );
            }
        }
        // Paths with an empty segment (`//`, a trailing slash) are refused before matching.
        for path in paths
            .iter()
            .filter(|p| p.split('/').skip(1).any(str::is_empty))
        {
            assert_eq!(route("GET", path), Route::NotFound, "{path:?}");
        }
    }

    #[test]
    fn path_parameters_are_kept_raw_for_the_builders() {
        assert_eq!(
            op("GET", "/PushNotifications/DeviceRegistrations/a%2Fb"),
            Some((Operation::GetDeviceRegistration, Some("a%2Fb".to_string())))
        );
    }
}
