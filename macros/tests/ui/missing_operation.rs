use tower_monitoring_macros::monitor_db;

#[monitor_db(system = "sqlite", table = "users")]
async fn load(id: i64) -> Result<i64, std::io::Error> {
    Ok(id)
}

fn main() {
    let _ = load(1);
}
