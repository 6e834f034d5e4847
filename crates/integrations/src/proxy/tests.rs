//! The proxy policy against an attacker's paths.

use super::*;

#[test]
fn allowed_paths_pass() {
    assert_eq!(
        check(ProviderName::Openai, "POST", "/chat/completions"),
        Ok(())
    );
    assert_eq!(check(ProviderName::Groq, "GET", "/models"), Ok(()));
    assert_eq!(
        check(ProviderName::Anthropic, "POST", "/v1/messages"),
        Ok(())
    );
    assert_eq!(
        check(
            ProviderName::Gemini,
            "POST",
            "/v1beta/models/gemini-1.5-pro:generateContent"
        ),
        Ok(())
    );
}

#[test]
fn ssrf_and_traversal_are_refused() {
    let attacks = [
        "",
        "chat/completions",
        "//evil.example/chat/completions",
        "http://evil.example/x",
        "https:/evil.example",
        "/chat/completions/../../admin",
        "/../chat/completions",
        "/./chat/completions",
        "/chat//completions",
        "/chat/completions?x=1",
        "/chat/completions#x",
        "/%2e%2e/admin",
        "/chat%2Fcompletions",
        "/chat\\completions",
        "/@evil.example/chat/completions",
        "/chat/completions@evil.example",
        "/chat/completions\r\nHost: evil",
        "/chat/completions\u{0}",
        "/ch\u{0430}t/completions",
        "/files",
        "/v1beta/models/../x:generateContent",
        "/v1beta/models/.hidden:generateContent",
        "/v1beta/models/a/b:generateContent",
    ];
    for path in attacks {
        for provider in ProviderName::ALL {
            assert!(
                matches!(check(provider, "POST", path), Err(Refusal::Path(_))),
                "{provider:?} {path:?} must be refused"
            );
        }
    }
}

#[test]
fn methods_are_per_path() {
    assert!(matches!(
        check(ProviderName::Openai, "GET", "/chat/completions"),
        Err(Refusal::Method(_))
    ));
    assert!(matches!(
        check(ProviderName::Openai, "DELETE", "/models"),
        Err(Refusal::Method(_))
    ));
}

#[test]
fn query_names_and_scrubbing() {
    assert!(query_name("limit"));
    assert!(!query_name("key"));
    assert!(!query_name("Key"));
    assert!(!query_name("a&b"));
    let key = "sk-LEAK-canary-7f3a9c2e51";
    let echoed = format!(
        "Incorrect API key provided: {key}. Hint: sk-LEAK-...a9c2e51 / {}",
        &key[..8]
    );
    let clean = scrub(&echoed, key);
    assert!(!clean.contains(key));
    assert!(!clean.contains(&key[..8]));
    assert!(!clean.contains(&key[key.len() - 8..]));
    assert_eq!(scrub("short", "abc"), "short");
    // a key whose eighth byte falls inside a character: scrubbed by characters, no panic
    let odd = "sk-éééééééé-canary-ééééééé9";
    let echoed = format!("bad key {odd}; hint sk-ééééé / é-canary-ééééééé9");
    let clean = scrub(&echoed, odd);
    assert!(!clean.contains(odd));
    assert!(!clean.contains("sk-ééééé"), "{clean}");
    assert!(!clean.contains("ééééééé9"), "{clean}");
}
