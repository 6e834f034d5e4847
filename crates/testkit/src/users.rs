//! Real users for tests: created through identity's own service functions (so they are
//! exactly what signup, seeding and admins create), then signed in through the HTTP API.

use identity::service::{
    passwords,
    users::{NewUser, insert},
};
use kernel::{
    auth::{Capability, Role},
    tenant::entity as platforms,
};
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::{TestApp, TestResponse, postgres_server};

/// The password of users made by [`TestApp::login_as`].
pub const TEST_PASSWORD: &str = "Correct-Horse-7-Battery";

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct Session {
    /// User id.
    pub user_id: Uuid,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Platform slug.
    pub platform: String,
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
}

fn synthetic_email(role: Role) -> String {
    let role = serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_lowercase))
        .unwrap_or_else(|| "user".into());
    format!("{role}-{}@test.example", Uuid::now_v7().simple())
}

/// Inserts a user on `platform` (by slug); `None` when the platform does not exist.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    role: Role,
    caps: &[Capability],
    platform: &str,
    email: &str,
    password_hash: Option<String>,
) -> Option<Uuid> {
    let platform = platforms::Entity::find()
        .filter(platforms::Column::Slug.eq(platform))
        .one(conn)
        .await
        .unwrap()?;
    let mut new = NewUser::new(platform.id, email, "Test User");
    new.role = role;
    new.caps = caps.to_vec();
    new.password_hash = password_hash;
    new.email_verified = true;
    Some(insert(conn, new).await.unwrap().id)
}

/// [`create`] from synchronous code: a helper thread with its own runtime and connection.
/// Returns the new id (or a fresh unused id when the platform does not exist).
pub fn create_blocking(db_name: &str, role: Role, caps: &[Capability], platform: &str) -> Uuid {
    let url = format!("{}/{db_name}", postgres_server());
    let caps = caps.to_vec();
    let platform = platform.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut opts = sea_orm::ConnectOptions::new(url);
            opts.max_connections(1).sqlx_logging(false);
            let db = sea_orm::Database::connect(opts).await.unwrap();
            let id = create(&db, role, &caps, &platform, &synthetic_email(role), None).await;
            db.close().await.ok();
            id.unwrap_or_else(Uuid::now_v7)
        })
    })
    .join()
    .unwrap()
}

impl TestApp {
    /// `POST /api/auth/signup` on the default platform.
    pub async fn signup(&self, email: &str, password: &str, full_name: &str) -> TestResponse {
        self.req(Method::POST, "/api/auth/signup")
            .json(&json!({"email": email, "password": password, "full_name": full_name}))
            .send()
            .await
    }

    /// `POST /api/auth/login` on `platform`.
    pub async fn login(&self, email: &str, password: &str, platform: &str) -> TestResponse {
        self.req(Method::POST, "/api/auth/login")
            .platform(platform)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
    }

    /// Creates a user with `role` and `caps` on `platform` with [`TEST_PASSWORD`] and signs
    /// in through the API.
    pub async fn login_as(&self, role: Role, caps: &[Capability], platform: &str) -> Session {
        let email = synthetic_email(role);
        let auth = self.config.identity.auth.clone();
        let hash = tokio::task::spawn_blocking(move || {
            let argon = passwords::argon2(&auth).unwrap();
            passwords::hash_now(&argon, TEST_PASSWORD).unwrap()
        })
        .await
        .unwrap();
        let user_id = create(&self.db, role, caps, platform, &email, Some(hash))
            .await
            .unwrap_or_else(|| panic!("no platform {platform:?}"));
        let res = self.login(&email, TEST_PASSWORD, platform).await;
        assert_eq!(res.status, 200, "login_as: {}", res.text);
        let body = res.json();
        Session {
            user_id,
            email,
            password: TEST_PASSWORD.to_owned(),
            platform: platform.to_owned(),
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}
