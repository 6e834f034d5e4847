# Recipes for people who have `just` (pip install rust-just). The README's two commands
# (`cargo run -p gateway -- serve` and `bash scripts/test.sh`) work without it.

set dotenv-load := false

# run the gateway (creates + migrates + seeds the database, listens on $PORT or 8000)
run:
    cargo run -p gateway -- serve

# the whole test suite, exactly as CI runs it
test:
    bash scripts/test.sh

# formatting and lints, as CI checks them
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# boot-time and idle-memory benchmark (release build)
bench:
    bash bench/startup.sh

# apply pending migrations and exit
migrate:
    cargo run -p gateway -- migrate

# print the OpenAPI document
openapi:
    cargo run -q -p gateway -- openapi > openapi.json
