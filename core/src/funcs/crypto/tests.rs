use super::*;
use crate::env::FixedEnvironment;

fn call_with(
    env: &FixedEnvironment,
    f: fn(&CallContext<'_>, &[Value]) -> FuncResult,
    args: &[Value],
) -> Result<Value, FuncError> {
    let ctx = CallContext { env };
    f(&ctx, args)
}

fn call(f: fn(&CallContext<'_>, &[Value]) -> FuncResult, args: &[Value]) -> String {
    let env = FixedEnvironment::new(1_700_000_000, 9);
    match call_with(&env, f, args) {
        Ok(Value::String(s)) => s.to_string(),
        other => format!("{other:?}"),
    }
}

fn s(v: &str) -> Value {
    Value::str(v)
}

#[test]
fn derive_password_matches_master_password() {
    let args = |kind: &str, pw: &str, counter: i64| {
        [
            Value::Int(counter),
            s(kind),
            s(pw),
            s("user"),
            s("example.com"),
        ]
    };
    assert_eq!(
        call(derive_password, &args("long", "password", 1)),
        "ZedaFaxcZaso9*"
    );
    assert_eq!(
        call(derive_password, &args("maximum", "password", 1)),
        "pf4zS1LjCg&LjhsZ7T2~"
    );
    assert_eq!(call(derive_password, &args("pin", "password", 1)), "6685");
    assert_eq!(
        call(derive_password, &args("long", "password", 2)),
        "Fovi2@JifpTupx"
    );
    assert_eq!(
        call(derive_password, &args("bogus", "password", 1)),
        "cannot find password template bogus"
    );
}

#[test]
fn bcrypt_shape() {
    let h = call(bcrypt, &[s("pw")]);
    assert_eq!(h.len(), 60);
    assert!(h.starts_with("$2a$10$"));
    // Verifiable by a standard implementation.
    assert!(::bcrypt::bcrypt(10, [0; 16], b"pw\0").len() == 24);
    assert_eq!(
        call(htpasswd, &[s("us:er"), s("pw")]),
        "invalid username: us:er"
    );
    assert_eq!(call(htpasswd, &[s("user"), s("pw")]).len(), 65);
}

#[test]
fn aes_round_trip_and_errors() {
    let env = FixedEnvironment::new(0, 3);
    let enc = call_with(&env, encrypt_aes, &[s("secretkey"), s("plaintext")]).unwrap();
    let dec = call_with(&env, decrypt_aes, &[s("secretkey"), enc.clone()]).unwrap();
    assert_eq!(dec.as_str(), Some("plaintext"));
    let enc = call_with(&env, encrypt_aes, &[s("k"), s("hello")]).unwrap();
    assert_eq!(base64_std_decode(enc.as_str().unwrap()).unwrap().len(), 32);
    let err = call_with(&env, decrypt_aes, &[s("k"), s("not-base64!")]).unwrap_err();
    assert_eq!(err.0, "illegal base64 data at input byte 3");
    let err = call_with(&env, decrypt_aes, &[s("k"), s("YWJj")]).unwrap_err();
    assert_eq!(
        err.0,
        "runtime error: slice bounds out of range [:16] with capacity 3"
    );
}

#[test]
fn private_keys_and_certificates() {
    let env = FixedEnvironment::new(1_700_000_000, 5);
    let ec = call_with(&env, gen_private_key, &[s("ecdsa")]).unwrap();
    assert!(
        ec.as_str()
            .unwrap()
            .starts_with("-----BEGIN EC PRIVATE KEY-----\n")
    );
    let ed = call_with(&env, gen_private_key, &[s("ed25519")]).unwrap();
    assert!(
        ed.as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----\n")
    );
    assert_eq!(call(gen_private_key, &[s("bogus")]), "Unknown type bogus");

    let ca = call_with(
        &env,
        gen_ca_with_key,
        &[s("my-ca"), Value::Int(365), ec.clone()],
    )
    .unwrap();
    let Value::Object(ca_obj) = &ca else {
        panic!("not an object")
    };
    let ca_cert = ca_obj.field("Cert").unwrap();
    assert!(
        ca_cert
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----\n")
    );
    assert_eq!(ca_obj.field("Key").unwrap().as_str(), ec.as_str());

    let ips = Value::list(vec![s("10.0.0.1")]);
    let dns = Value::list(vec![s("svc.local")]);
    let leaf = call_with(
        &env,
        gen_signed_with_key,
        &[s("svc"), ips, dns, Value::Int(30), ca.clone(), ed],
    )
    .unwrap();
    let Value::Object(leaf) = leaf else {
        panic!("not an object")
    };
    let pem = leaf.field("Cert").unwrap();
    let (_, der_bytes) = der::pem_decode(pem.as_str().unwrap()).unwrap();
    assert!(x509_cert::Certificate::from_der(&der_bytes).is_ok());

    let b64 = |v: &Value| s(&base64_std_encode(v.as_str().unwrap().as_bytes()));
    let custom = call_with(
        &env,
        build_custom_cert,
        &[b64(&ca_cert), b64(&ca_obj.field("Key").unwrap())],
    );
    assert!(custom.is_ok());
    let bad = call_with(
        &env,
        build_custom_cert,
        &[b64(&s("not a cert")), b64(&s("not a key"))],
    );
    assert_eq!(bad.unwrap_err().0, "unable to decode certificate");
}

use x509_cert::der::Decode as _;

/// Manual check: `cargo test -p capstan-core rsa_timing -- --ignored --nocapture`, then
/// inspect /tmp/capstan-*.pem with openssl.
#[test]
#[ignore]
fn rsa_timing() {
    struct OsEnv;
    impl crate::env::Environment for OsEnv {
        fn now(&self) -> (i64, u32) {
            (1_700_000_000, 0)
        }
        fn fill_random(&self, buf: &mut [u8]) {
            let seed = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64);
            let env = FixedEnvironment::new(0, seed);
            env.fill_random(buf);
        }
    }
    let env = OsEnv;
    let ctx = CallContext { env: &env };
    let start = std::time::Instant::now();
    let ca = gen_ca(&ctx, &[s("my-ca"), Value::Int(365)]).unwrap();
    eprintln!("genCA (RSA-2048): {:?}", start.elapsed());
    let start = std::time::Instant::now();
    let leaf = gen_signed(
        &ctx,
        &[
            s("svc"),
            Value::list(vec![s("10.0.0.1")]),
            Value::list(vec![s("svc.local")]),
            Value::Int(30),
            ca.clone(),
        ],
    )
    .unwrap();
    eprintln!("genSignedCert (RSA-2048): {:?}", start.elapsed());
    let start = std::time::Instant::now();
    let k4096 = gen_private_key(&ctx, &[s("rsa")]).unwrap();
    eprintln!("genPrivateKey rsa (4096): {:?}", start.elapsed());
    for (name, v) in [("ca", &ca), ("leaf", &leaf)] {
        let Value::Object(o) = v else { continue };
        let text = format!(
            "{}{}",
            o.field("Cert").unwrap().as_str().unwrap(),
            o.field("Key").unwrap().as_str().unwrap()
        );
        std::fs::write(format!("/tmp/capstan-{name}.pem"), text).unwrap();
    }
    std::fs::write("/tmp/capstan-rsa4096.pem", k4096.as_str().unwrap()).unwrap();
    let start = std::time::Instant::now();
    let dsa = gen_private_key(&ctx, &[s("dsa")]).unwrap();
    eprintln!("genPrivateKey dsa: {:?}", start.elapsed());
    std::fs::write("/tmp/capstan-dsa.pem", dsa.as_str().unwrap()).unwrap();
}
