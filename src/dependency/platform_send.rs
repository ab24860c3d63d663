//! The short way to call a platform with reqwest: a `RequestBuilder`, as the application
//! already writes it, sent through [`PlatformLayer`] without importing tower.

use std::future::poll_fn;

use tower_layer::Layer;
use tower_service::Service;

use super::PlatformLayer;

impl PlatformLayer {
    /// Sends `request` through the client that built it, measured and traced as a call to
    /// this platform: `.json()`, `.bearer_auth()`, `.timeout()` and the client's own
    /// settings all apply. A request that cannot be built (a malformed URL) is returned as
    /// reqwest's error without being recorded, since no call was made.
    ///
    /// Needs reqwest 0.13 (feature `reqwest`): a `RequestBuilder` of another reqwest version
    /// is another type, and the compiler says so.
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let (client, request) = request.build_split();
        let request = request?;
        let mut client = self.layer(client);
        poll_fn(|cx| client.poll_ready(cx)).await?;
        client.call(request).await
    }
}
