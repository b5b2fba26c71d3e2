//! Sprig's crypto functions: `bcrypt`, `htpasswd`, `derivePassword`, `genPrivateKey`,
//! certificates, `encryptAES`/`decryptAES`. Randomness comes only from the environment.
//!
//! Like Sprig, several of these report failures *as their result string* rather than as
//! template errors (`htpasswd "a:b" …` renders `invalid username: a:b`).

mod bignum;
mod certs;
mod der;
mod keys;
mod prime;

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{KeyInit, Mac};

use super::encoding::{base64_std_decode, base64_std_encode, bytes_to_string, int_arg, str_arg};
use super::{CallContext, FuncError, FuncResult, ParamType, Registry};
use crate::value::Value;

pub use certs::{CERTIFICATE_TYPE, Certificate};
pub use keys::{EnvRng, PrivateKey};

pub fn register(r: &mut Registry) {
    use ParamType::*;
    const CERT: ParamType = Object(CERTIFICATE_TYPE);
    r.add("bcrypt", &[String], None, bcrypt);
    r.add("htpasswd", &[String, String], None, htpasswd);
    r.add(
        "derivePassword",
        &[Uint32, String, String, String, String],
        None,
        derive_password,
    );
    r.add("genPrivateKey", &[String], None, gen_private_key);
    r.add(
        "buildCustomCert",
        &[String, String],
        None,
        build_custom_cert,
    );
    r.add("genCA", &[String, Int], None, gen_ca);
    r.add(
        "genCAWithKey",
        &[String, Int, String],
        None,
        gen_ca_with_key,
    );
    r.add(
        "genSelfSignedCert",
        &[String, List, List, Int],
        None,
        gen_self_signed,
    );
    r.add(
        "genSelfSignedCertWithKey",
        &[String, List, List, Int, String],
        None,
        gen_self_signed_with_key,
    );
    r.add(
        "genSignedCert",
        &[String, List, List, Int, CERT],
        None,
        gen_signed,
    );
    r.add(
        "genSignedCertWithKey",
        &[String, List, List, Int, CERT, String],
        None,
        gen_signed_with_key,
    );
    r.add("encryptAES", &[String, String], None, encrypt_aes);
    r.add("decryptAES", &[String, String], None, decrypt_aes);
}

/// Go's `bcrypt.DefaultCost`.
const BCRYPT_COST: u32 = 10;

fn bcrypt_hash(ctx: &CallContext<'_>, input: &str) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    let mut salt = [0u8; 16];
    ctx.env.fill_random(&mut salt);
    // The key is the password with its C-style NUL terminator (cut at 72 bytes: Go keeps
    // a 73rd byte for 72-byte passwords, which this implementation cannot).
    let mut key = input.as_bytes().to_vec();
    key.push(0);
    key.truncate(72);
    let hash = bcrypt::bcrypt(BCRYPT_COST, salt, &key);
    format!(
        "$2a${BCRYPT_COST:02}${}{}",
        bcrypt_base64(&salt),
        bcrypt_base64(&hash[..23])
    )
}

/// Base64 with bcrypt's alphabet and no padding.
fn bcrypt_base64(bytes: &[u8]) -> String {
    const STD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    base64_std_encode(bytes)
        .bytes()
        .filter(|&c| c != b'=')
        .map(|c| {
            let i = STD.iter().position(|&s| s == c).unwrap_or(0);
            char::from(BCRYPT[i])
        })
        .collect()
}

fn bcrypt(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    Ok(Value::string(bcrypt_hash(ctx, str_arg(args, 0))))
}

fn htpasswd(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let user = str_arg(args, 0);
    if user.contains(':') {
        return Ok(Value::string(format!("invalid username: {user}")));
    }
    Ok(Value::string(format!(
        "{user}:{}",
        bcrypt_hash(ctx, str_arg(args, 1))
    )))
}

/// Password templates of the Master Password algorithm (v3), by Sprig's type names.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn derive_password(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let counter = u32::try_from(int_arg(args, 0)).unwrap_or(0);
    let (kind, password, user, site) = (
        str_arg(args, 1),
        str_arg(args, 2),
        str_arg(args, 3),
        str_arg(args, 4),
    );
    let Some(templates) = password_templates(kind) else {
        return Ok(Value::string(format!(
            "cannot find password template {kind}"
        )));
    };
    let len_be = |s: &str| u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes();
    let mut salt = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&len_be(user));
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return Ok(Value::string(format!("failed to derive password: {e}")));
    }
    let mut site_msg = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    site_msg.extend_from_slice(&len_be(site));
    site_msg.extend_from_slice(site.as_bytes());
    site_msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return Ok(Value::str("failed to derive password"));
    };
    mac.update(&site_msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    let out: String = template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = template_chars(class);
            let s = seed.get(i + 1).copied().unwrap_or(0);
            char::from(chars[usize::from(s) % chars.len()])
        })
        .collect();
    Ok(Value::string(out))
}

fn gen_private_key(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let kind = str_arg(args, 0);
    let key = match kind {
        // Sprig generates 4096-bit RSA keys here (2048 for certificates).
        "" | "rsa" => PrivateKey::generate_rsa(ctx.env, 4096),
        "ecdsa" => Ok(PrivateKey::generate_ecdsa(ctx.env)),
        "ed25519" => Ok(PrivateKey::generate_ed25519(ctx.env)),
        "dsa" => {
            return Ok(Value::string(
                PrivateKey::generate_dsa_pem(ctx.env)
                    .unwrap_or_else(|e| format!("failed to generate dsa params: {e}")),
            ));
        }
        _ => return Ok(Value::string(format!("Unknown type {kind}"))),
    };
    Ok(Value::string(match key.and_then(|k| k.to_pem()) {
        Ok(pem) => pem,
        Err(e) => format!("failed to generate private key: {e}"),
    }))
}

fn cert_result(r: Result<Certificate, String>) -> FuncResult {
    r.map(Certificate::value).map_err(FuncError)
}

fn rsa_2048(ctx: &CallContext<'_>) -> Result<PrivateKey, String> {
    PrivateKey::generate_rsa(ctx.env, 2048).map_err(|e| format!("error generating rsa key: {e}"))
}

fn pem_key(pem: &str) -> Result<PrivateKey, String> {
    keys::parse_private_key_pem(pem).map_err(|e| format!("parsing private key: {e}"))
}

fn template(
    cn: &str,
    ips: &Value,
    dns: &Value,
    days: i64,
    is_ca: bool,
) -> Result<certs::Template, String> {
    Ok(certs::Template {
        cn: cn.to_string(),
        ips: certs::parse_ips(ips)?,
        dns: certs::parse_dns(dns)?,
        days,
        is_ca,
    })
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Nil)
}

fn certificate_arg(args: &[Value], i: usize) -> Result<&Certificate, String> {
    match args.get(i) {
        Some(Value::Object(o)) => o.as_any().downcast_ref::<Certificate>(),
        _ => None,
    }
    .ok_or_else(|| format!("expected {CERTIFICATE_TYPE}"))
}

fn gen_ca(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    cert_result(rsa_2048(ctx).and_then(|key| {
        let t = template(
            str_arg(args, 0),
            &Value::Nil,
            &Value::Nil,
            int_arg(args, 1),
            true,
        )?;
        certs::self_signed(ctx.env, &t, &key)
    }))
}

fn gen_ca_with_key(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    cert_result(pem_key(str_arg(args, 2)).and_then(|key| {
        let t = template(
            str_arg(args, 0),
            &Value::Nil,
            &Value::Nil,
            int_arg(args, 1),
            true,
        )?;
        certs::self_signed(ctx.env, &t, &key)
    }))
}

fn self_signed_with(
    ctx: &CallContext<'_>,
    args: &[Value],
    key: Result<PrivateKey, String>,
) -> FuncResult {
    cert_result(key.and_then(|key| {
        let t = template(
            str_arg(args, 0),
            arg(args, 1),
            arg(args, 2),
            int_arg(args, 3),
            false,
        )?;
        certs::self_signed(ctx.env, &t, &key)
    }))
}

fn gen_self_signed(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    self_signed_with(ctx, args, rsa_2048(ctx))
}

fn gen_self_signed_with_key(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    self_signed_with(ctx, args, pem_key(str_arg(args, 4)))
}

fn signed_with(
    ctx: &CallContext<'_>,
    args: &[Value],
    key: Result<PrivateKey, String>,
) -> FuncResult {
    cert_result(key.and_then(|key| {
        let ca = certificate_arg(args, 4)?;
        let t = template(
            str_arg(args, 0),
            arg(args, 1),
            arg(args, 2),
            int_arg(args, 3),
            false,
        )?;
        certs::signed(ctx.env, &t, &key, ca)
    }))
}

fn gen_signed(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    signed_with(ctx, args, rsa_2048(ctx))
}

fn gen_signed_with_key(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    signed_with(ctx, args, pem_key(str_arg(args, 5)))
}

fn build_custom_cert(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    cert_result(certs::build_custom(str_arg(args, 0), str_arg(args, 1)))
}

/// Sprig's AES key: the password's bytes, zero-padded or cut to 32 (AES-256).
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

fn encrypt_aes(ctx: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let plaintext = str_arg(args, 1);
    if plaintext.is_empty() {
        return Ok(Value::str(""));
    }
    let pad = 16 - plaintext.len() % 16;
    let mut buf = vec![0u8; 16 + plaintext.len() + pad];
    ctx.env.fill_random(&mut buf[..16]);
    buf[16..16 + plaintext.len()].copy_from_slice(plaintext.as_bytes());
    for b in &mut buf[16 + plaintext.len()..] {
        *b = pad as u8;
    }
    let (iv, body) = buf.split_at_mut(16);
    let iv: [u8; 16] = (&*iv).try_into().unwrap_or_default();
    let mut enc = cbc::Encryptor::<aes::Aes256>::new(&aes_key(str_arg(args, 0)).into(), &iv.into());
    let (blocks, _) = aes::cipher::Block::<aes::Aes256>::slice_as_chunks_mut(body);
    enc.encrypt_blocks(blocks);
    Ok(Value::string(base64_std_encode(&buf)))
}

fn decrypt_aes(_: &CallContext<'_>, args: &[Value]) -> FuncResult {
    let crypt64 = str_arg(args, 1);
    if crypt64.is_empty() {
        return Ok(Value::str(""));
    }
    let mut crypt = base64_std_decode(crypt64).map_err(FuncError)?;
    // The failures below are Go runtime panics inside Sprig, which the template engine
    // reports as the function's error.
    if crypt.len() < 16 {
        let capacity = crypt64.len() / 4 * 3;
        return Err(FuncError(format!(
            "runtime error: slice bounds out of range [:16] with capacity {capacity}"
        )));
    }
    let (iv, body) = crypt.split_at_mut(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let iv: [u8; 16] = (&*iv).try_into().unwrap_or_default();
    let mut dec = cbc::Decryptor::<aes::Aes256>::new(&aes_key(str_arg(args, 0)).into(), &iv.into());
    let (blocks, _) = aes::cipher::Block::<aes::Aes256>::slice_as_chunks_mut(body);
    dec.decrypt_blocks(blocks);
    let Some(&last) = body.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = body.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    Ok(Value::string(bytes_to_string(
        body[..keep as usize].to_vec(),
    )))
}

#[cfg(test)]
mod tests;
