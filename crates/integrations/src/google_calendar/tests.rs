//! Unit tests of the Google Calendar client's pure parts.

use super::*;

#[test]
fn event_ids_are_base32hex_and_stable() {
    let id = Uuid::now_v7();
    let event = event_id_for(id);
    assert_eq!(event, event_id_for(id));
    assert!((5..=1024).contains(&event.len()));
    assert!(event.chars().all(|c| matches!(c, '0'..='9' | 'a'..='v')));
}

#[test]
fn sealed_tokens_open_only_with_their_key_and_context() {
    let seal = TokenSeal::new(&SecretString::from("key-one")).unwrap();
    let token = SecretString::from("1//refresh-token");
    let sealed = seal.seal(&token, "user-a").unwrap();
    assert!(!sealed.contains("refresh"));
    assert_ne!(sealed, seal.seal(&token, "user-a").unwrap(), "fresh nonce");
    assert_eq!(
        seal.open(&sealed, "user-a").unwrap().expose_secret(),
        "1//refresh-token"
    );
    assert!(seal.open(&sealed, "user-b").is_err());
    let other = TokenSeal::new(&SecretString::from("key-two")).unwrap();
    assert!(other.open(&sealed, "user-a").is_err());
    assert!(seal.open("v1:00", "user-a").is_err());
    assert!(seal.open("plain", "user-a").is_err());
}

#[test]
fn unconfigured_credentials_disable_the_client() {
    let config = GoogleCalendarConfig {
        client_id: None,
        client_secret: None,
        auth_url: String::new(),
        token_url: String::new(),
        api_base: String::new(),
    };
    assert!(GoogleCalendar::from_config(&config, reqwest::Client::new()).is_none());
}
