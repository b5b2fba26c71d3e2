//! Private keys as Sprig handles them: generation from the environment's randomness,
//! PEM encoding as Go's `pemBlockForKey`, PEM parsing as Sprig's `parsePrivateKeyPEM`,
//! public key info and certificate signatures as `crypto/x509` produces them.

use std::convert::Infallible;

use p256::elliptic_curve::Generate as _;
use rand_core::{TryCryptoRng, TryRng};
use rsa::PrivateKey as RsaKey;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer};

use super::bignum;
use super::der::{self, Reader};
use super::prime;
use crate::env::Environment;

/// A `rand_core` RNG over the environment's randomness, for key generation.
pub struct EnvRng<'a>(pub &'a dyn Environment);

impl TryRng for EnvRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.0.fill_random(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.0.fill_random(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill_random(dst);
        Ok(())
    }
}

impl TryCryptoRng for EnvRng<'_> {}

/// A private key of a type Sprig can generate or parse.
pub enum PrivateKey {
    Rsa(Box<RsaKey>),
    Ecdsa(p256::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
    /// A DSA key (DER of Sprig's `DSAKeyFormat`): Go can neither sign certificates with
    /// it nor put its public key in one, so it is only carried as text.
    Dsa(Vec<u8>),
}

/// Go's error for a key `x509.CreateCertificate` cannot sign with.
pub const NOT_A_SIGNER: &str = "x509: certificate private key does not implement crypto.Signer";

const OID_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
const OID_EC: &[u64] = &[1, 2, 840, 10_045, 2, 1];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];
const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10_045, 4, 3, 2];

impl PrivateKey {
    /// An RSA key of `bits` bits (≥ 128) with exponent 65537, from two random primes
    /// with their two top bits set (so the modulus has exactly `bits` bits) and
    /// `d = e⁻¹ mod lcm(p-1, q-1)` as Go computes it.
    pub fn generate_rsa(env: &dyn Environment, bits: usize) -> Result<PrivateKey, String> {
        const E: u32 = 65537;
        let boxed = |x: &[u64]| {
            let bytes = bignum::to_be_bytes(x, x.len() * 8);
            rsa::BoxedUint::from_be_slice(&bytes, (x.len() * 64) as u32).map_err(|e| e.to_string())
        };
        loop {
            let p = prime::random_prime(env, bits - bits / 2, E);
            let q = prime::random_prime(env, bits / 2, E);
            if p == q {
                continue;
            }
            let key = RsaKey::from_p_q(boxed(&p)?, boxed(&q)?, u64::from(E).into())
                .map_err(|e| e.to_string())?;
            return Ok(PrivateKey::Rsa(Box::new(key)));
        }
    }

    /// A DSA key with Go's L2048N256 parameters, PEM-encoded as Sprig does (Go's x509
    /// cannot put DSA keys in certificates, so DSA keys only ever become PEM text).
    pub fn generate_dsa_pem(env: &dyn Environment) -> Result<String, String> {
        let mut rng = EnvRng(env);
        let components = dsa::Components::try_generate_from_rng_with_key_size(
            &mut rng,
            dsa::KeySize::DSA_2048_256,
        )
        .map_err(|e| e.to_string())?;
        let key = dsa::SigningKey::try_generate_from_rng_with_components(&mut rng, components)
            .map_err(|e| e.to_string())?;
        let vk = key.verifying_key();
        let c = vk.components();
        let int = |v: &dsa::BoxedUint| der::unsigned_integer(&v.to_be_bytes());
        let body = der::constructed(
            der::SEQUENCE,
            &[
                &der::unsigned_integer(&[0]),
                &int(c.p()),
                &int(c.q()),
                &int(c.g()),
                &int(vk.y()),
                &int(key.x()),
            ],
        );
        Ok(der::pem_encode("DSA PRIVATE KEY", &body))
    }

    pub fn generate_ecdsa(env: &dyn Environment) -> PrivateKey {
        PrivateKey::Ecdsa(p256::SecretKey::generate_from_rng(&mut EnvRng(env)))
    }

    pub fn generate_ed25519(env: &dyn Environment) -> PrivateKey {
        let mut seed = [0u8; 32];
        env.fill_random(&mut seed);
        PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// Go's `pemBlockForKey`: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 otherwise.
    pub fn to_pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let doc = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                der::pem_encode("RSA PRIVATE KEY", doc.as_bytes())
            }
            PrivateKey::Ecdsa(k) => {
                let doc = k.to_sec1_der().map_err(|e| e.to_string())?;
                der::pem_encode("EC PRIVATE KEY", &doc)
            }
            PrivateKey::Ed25519(k) => {
                let seed = k.to_bytes();
                let body = der::constructed(
                    der::SEQUENCE,
                    &[
                        &der::unsigned_integer(&[0]),
                        &der::constructed(der::SEQUENCE, &[&der::oid(OID_ED25519)]),
                        &der::tlv(der::OCTET_STRING, &der::tlv(der::OCTET_STRING, &seed)),
                    ],
                );
                der::pem_encode("PRIVATE KEY", &body)
            }
            PrivateKey::Dsa(body) => der::pem_encode("DSA PRIVATE KEY", body),
        })
    }

    /// The DER `SubjectPublicKeyInfo`, as Go's `MarshalPKIXPublicKey`.
    pub fn public_key_info(&self) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => k
                .to_public_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?
                .into_vec(),
            PrivateKey::Ecdsa(k) => k
                .public_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?
                .into_vec(),
            PrivateKey::Ed25519(k) => der::constructed(
                der::SEQUENCE,
                &[
                    &der::constructed(der::SEQUENCE, &[&der::oid(OID_ED25519)]),
                    &der::bit_string(k.verifying_key().as_bytes()),
                ],
            ),
            PrivateKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".into());
            }
        })
    }

    /// The signature AlgorithmIdentifier Go picks for this key.
    pub fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => der::constructed(
                der::SEQUENCE,
                &[&der::oid(OID_SHA256_RSA), &der::tlv(der::NULL, &[])],
            ),
            PrivateKey::Ecdsa(_) => der::constructed(der::SEQUENCE, &[&der::oid(OID_ECDSA_SHA256)]),
            PrivateKey::Ed25519(_) => der::constructed(der::SEQUENCE, &[&der::oid(OID_ED25519)]),
            PrivateKey::Dsa(_) => Vec::new(),
        }
    }

    /// Signs `msg` with this key's certificate signature algorithm.
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                if let Some(sig) = rsa_sign_crt(k, msg) {
                    return Ok(sig);
                }
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                signer.try_sign(msg).map_err(|e| e.to_string())?.to_vec()
            }
            PrivateKey::Ecdsa(k) => {
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature =
                    signer.try_sign(msg).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
            PrivateKey::Dsa(_) => return Err(NOT_A_SIGNER.into()),
        })
    }
}

/// DigestInfo's DER prefix for SHA-256 (RFC 8017, section 9.2).
const SHA256_DIGEST_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// An RSASSA-PKCS1-v1_5 SHA-256 signature (deterministic, so the same bytes as the `rsa`
/// crate's) by the Chinese remainder theorem on [`bignum::Monty`], checked against the
/// public key before use. `None` for keys it does not handle (more than two primes,
/// unbalanced primes); the caller then signs with the `rsa` crate.
fn rsa_sign_crt(k: &RsaKey, msg: &[u8]) -> Option<Vec<u8>> {
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    use sha2::Digest;
    let [p, q] = k.primes() else {
        return None;
    };
    let size = k.size();
    let digest = sha2::Sha256::digest(msg);
    let pad = size.checked_sub(3 + SHA256_DIGEST_INFO.len() + digest.len())?;
    let mut em = Vec::with_capacity(size);
    em.extend_from_slice(&[0, 1]);
    em.resize(2 + pad, 0xff);
    em.push(0);
    em.extend_from_slice(SHA256_DIGEST_INFO);
    em.extend_from_slice(&digest);

    let limbs = |x: &rsa::BoxedUint, n: usize| bignum::from_be_bytes(&x.to_be_bytes(), n);
    let half = (p.bits_precision().max(q.bits_precision()) as usize).div_ceil(64);
    let (p, q) = (limbs(p.as_ref(), half)?, limbs(q.as_ref(), half)?);
    let m = bignum::from_be_bytes(&em, 2 * half)?;
    let dp = limbs(k.dp()?, half)?;
    let dq = limbs(k.dq()?, half)?;
    let qinv = limbs(&k.qinv()?.retrieve(), half)?;

    let mut mp = bignum::Monty::new(&p)?;
    let mut mq = bignum::Monty::new(&q)?;
    let xp = mp.enter_wide(&m);
    let sp = mp.pow(&xp, &dp);
    let xq = mq.enter_wide(&m);
    let sq = mq.pow(&xq, &dq);
    let sq_plain = mq.leave(&sq);
    // s = sq + q·((sp - sq)·q⁻¹ mod p)
    let mut diff = sp;
    let sq_p = mp.enter_wide(&sq_plain);
    mp.sub_assign(&mut diff, &sq_p);
    let qinv = mp.enter_wide(&qinv);
    let h = mp.mul(&diff, &qinv);
    let h = mp.leave(&h);
    let mut s = bignum::mul(&q, &h);
    let carry = bignum::add_assign(&mut s, &sq_plain);
    bignum::add_small(&mut s[half..], carry);

    // Verify s^e ≡ m (mod n) before releasing the signature (a fault check, as Go does).
    let n = limbs(k.n().as_ref(), 2 * half)?;
    let e = limbs(k.e(), 2 * half)?;
    let mut mn = bignum::Monty::new(&n)?;
    let sm = mn.enter(&s);
    let back = mn.pow(&sm, &e);
    if mn.leave(&back) != m {
        return None;
    }
    Some(bignum::to_be_bytes(&s, size))
}

/// Sprig's `parsePrivateKeyPEM`; errors are its messages.
pub fn parse_private_key_pem(pem: &str) -> Result<PrivateKey, String> {
    let (kind, bytes) = der::pem_decode(pem).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(algo) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match algo {
        "RSA" => RsaKey::from_pkcs1_der(&bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&bytes)
            .map(PrivateKey::Ecdsa)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => parse_dsa(&bytes).map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

/// Sprig's `DSAKeyFormat`: a SEQUENCE of version, P, Q, G, Y, X integers.
fn parse_dsa(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "asn1: structure error: DSA key is malformed".to_string();
    let (tag, seq, whole) = Reader::new(bytes).next().ok_or_else(malformed)?;
    let mut fields = Reader::new(seq);
    for _ in 0..6 {
        let (t, _, _) = fields.next().ok_or_else(malformed)?;
        if t != der::INTEGER {
            return Err(malformed());
        }
    }
    if tag != der::SEQUENCE {
        return Err(malformed());
    }
    Ok(PrivateKey::Dsa(whole.to_vec()))
}

fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = || "x509: failed to parse private key".to_string();
    let (_, seq, _) = Reader::new(bytes).next().ok_or_else(malformed)?;
    let mut fields = Reader::new(seq);
    fields.next().ok_or_else(malformed)?;
    let (_, algo, _) = fields.next().ok_or_else(malformed)?;
    let (_, oid, _) = Reader::new(algo).next().ok_or_else(malformed)?;
    let is = |arcs: &[u64]| der::oid(arcs).get(2..) == Some(oid);
    if is(OID_RSA) {
        RsaKey::from_pkcs8_der(bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string())
    } else if is(OID_EC) {
        p256::SecretKey::from_pkcs8_der(bytes)
            .map(PrivateKey::Ecdsa)
            .map_err(|e| e.to_string())
    } else if is(OID_ED25519) {
        let (_, outer, _) = fields.next().ok_or_else(malformed)?;
        let (_, seed, _) = Reader::new(outer).next().ok_or_else(malformed)?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| "x509: invalid Ed25519 private key length".to_string())?;
        Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )))
    } else {
        Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    #[test]
    fn keys_round_trip_through_pem() {
        let env = FixedEnvironment::new(0, 42);
        for key in [
            PrivateKey::generate_ecdsa(&env),
            PrivateKey::generate_ed25519(&env),
        ] {
            let pem = key.to_pem().unwrap();
            let back = parse_private_key_pem(&pem).unwrap();
            assert_eq!(back.to_pem().unwrap(), pem);
            assert_eq!(
                back.public_key_info().unwrap(),
                key.public_key_info().unwrap()
            );
            assert!(!key.sign(b"msg").unwrap().is_empty());
        }
        assert!(parse_private_key_pem("nope").is_err());
    }

    #[test]
    fn crt_signatures_match_the_rsa_crate() {
        let env = FixedEnvironment::new(0, 42);
        for bits in [1024, 2048] {
            let PrivateKey::Rsa(k) = PrivateKey::generate_rsa(&env, bits).unwrap() else {
                unreachable!()
            };
            for msg in [&b"msg"[..], b"", &[7u8; 1000]] {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((*k).clone());
                let expect = signer.try_sign(msg).unwrap().to_vec();
                assert_eq!(rsa_sign_crt(&k, msg), Some(expect));
            }
        }
    }
}
