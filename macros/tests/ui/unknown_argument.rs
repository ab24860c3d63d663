use tower_monitoring_macros::monitor_cache;

#[monitor_cache(name = "users", operation = "get", ttl = "60")]
async fn cached(id: i64) -> Option<i64> {
    Some(id)
}

fn main() {
    let _ = cached(1);
}
