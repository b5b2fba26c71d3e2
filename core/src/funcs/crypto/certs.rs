//! Sprig's certificates: `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
//! `WithKey` forms) and `buildCustomCert`, built the way Go's `x509.CreateCertificate`
//! lays out Sprig's template (key usages, server+client auth, basic constraints, key
//! identifiers, SANs).

use std::rc::Rc;

use sha2::Digest as _;
use x509_cert::der::Decode as _;

use super::der::{self, Reader};
use super::keys::{PrivateKey, parse_private_key_pem};
use crate::env::Environment;
use crate::funcs::dates::civil::Civil;
use crate::funcs::encoding::base64_std_decode;
use crate::value::{Map, Object, Value};

/// Go type name of Sprig's certificate struct.
pub const CERTIFICATE_TYPE: &str = "sprig.certificate";

/// Sprig's `certificate{Cert, Key}`: PEM strings.
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Certificate {
    pub fn value(self) -> Value {
        Value::Object(Rc::new(self))
    }
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        CERTIFICATE_TYPE
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.cert)),
            "Key" => Some(Value::str(&self.key)),
            _ => None,
        }
    }

    fn format_v(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }

    fn marshal_json(&self) -> Option<Value> {
        let m = Map::new();
        m.insert("Cert", Value::str(&self.cert));
        m.insert("Key", Value::str(&self.key));
        Some(Value::Map(m))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// What Sprig's `getBaseCertTemplate` fills in from the template arguments.
pub struct Template {
    pub cn: String,
    pub ips: Vec<Vec<u8>>,
    pub dns: Vec<String>,
    pub days: i64,
    pub is_ca: bool,
}

/// The parent of a certificate being signed: its subject and key identifier, and the
/// key that signs.
struct Issuer<'a> {
    name: Vec<u8>,
    key_id: Option<Vec<u8>>,
    public_key_info: Option<Vec<u8>>,
    key: &'a PrivateKey,
}

/// Sprig's `getNetIPs`: each entry must be a string Go's `net.ParseIP` accepts.
pub fn parse_ips(ips: &Value) -> Result<Vec<Vec<u8>>, String> {
    let Some(items) = ips.as_list() else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|ip| {
            let Some(s) = ip.as_str() else {
                return Err(format!(
                    "error parsing ip: {} is not a string",
                    crate::gofmt::format_value(ip)
                ));
            };
            match s.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(v4)) => Ok(v4.octets().to_vec()),
                Ok(std::net::IpAddr::V6(v6)) => Ok(match v6.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v6.octets().to_vec(),
                }),
                Err(_) => Err(format!("error parsing ip: {s}")),
            }
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
pub fn parse_dns(names: &Value) -> Result<Vec<String>, String> {
    let Some(items) = names.as_list() else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|n| {
            n.as_str().map(str::to_string).ok_or_else(|| {
                format!(
                    "error processing alternate dns name: {} is not a string",
                    crate::gofmt::format_value(n)
                )
            })
        })
        .collect()
}

fn name_der(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::tlv(der::SEQUENCE, &[]);
    }
    let atv = der::constructed(
        der::SEQUENCE,
        &[&der::oid(&[2, 5, 4, 3]), &der::go_string(cn)],
    );
    der::constructed(der::SEQUENCE, &[&der::tlv(der::SET, &atv)])
}

/// Go's asn1 time: UTCTime for 1950..2049, else GeneralizedTime, in UTC, whole seconds.
fn time_der(unix: i64) -> Vec<u8> {
    let c = Civil::from_local_secs(unix);
    let clock = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        c.month, c.day, c.hour, c.minute, c.second
    );
    if (1950..2050).contains(&c.year) {
        der::tlv(
            der::UTC_TIME,
            format!("{:02}{clock}", c.year % 100).as_bytes(),
        )
    } else {
        der::tlv(
            der::GENERALIZED_TIME,
            format!("{:04}{clock}", c.year).as_bytes(),
        )
    }
}

fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let critical_flag = if critical {
        der::tlv(der::BOOLEAN, &[0xff])
    } else {
        Vec::new()
    };
    der::constructed(
        der::SEQUENCE,
        &[
            &der::oid(oid),
            &critical_flag,
            &der::tlv(der::OCTET_STRING, value),
        ],
    )
}

/// The public key bits inside a SubjectPublicKeyInfo.
fn public_key_bits(spki: &[u8]) -> Option<&[u8]> {
    let (_, seq, _) = Reader::new(spki).next()?;
    let mut r = Reader::new(seq);
    r.next()?;
    let (_, bits, _) = r.next()?;
    bits.get(1..)
}

fn build(
    env: &dyn Environment,
    t: &Template,
    key: &PrivateKey,
    issuer: &Issuer<'_>,
) -> Result<Certificate, String> {
    let mut serial = [0u8; 16];
    env.fill_random(&mut serial);
    let (now, _) = env.now();
    let valid_nanos = t.days.wrapping_mul(86_400_000_000_000);
    let not_after = now.saturating_add(valid_nanos.div_euclid(1_000_000_000));

    if matches!(issuer.key, PrivateKey::Dsa(_)) {
        return Err(format!(
            "error creating certificate: {}",
            super::keys::NOT_A_SIGNER
        ));
    }
    let spki = key
        .public_key_info()
        .map_err(|e| format!("error creating certificate: {e}"))?;
    if let Some(parent_spki) = &issuer.public_key_info
        && issuer.key.public_key_info().ok().as_ref() != Some(parent_spki)
    {
        return Err("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey".into());
    }
    let subject = name_der(&t.cn);

    let mut extensions = Vec::new();
    let usage: u8 = if t.is_ca { 0b1010_0100 } else { 0b1010_0000 };
    let unused = usage.trailing_zeros() as u8;
    extensions.push(extension(
        &[2, 5, 29, 15],
        true,
        &der::tlv(der::BIT_STRING, &[unused, usage]),
    ));
    let eku = der::constructed(
        der::SEQUENCE,
        &[
            &der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            &der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
        ],
    );
    extensions.push(extension(&[2, 5, 29, 37], false, &eku));
    let basic = if t.is_ca {
        der::constructed(der::SEQUENCE, &[&der::tlv(der::BOOLEAN, &[0xff])])
    } else {
        der::tlv(der::SEQUENCE, &[])
    };
    extensions.push(extension(&[2, 5, 29, 19], true, &basic));
    if t.is_ca {
        let bits = public_key_bits(&spki).unwrap_or_default();
        let ski = sha2::Sha256::digest(bits);
        extensions.push(extension(
            &[2, 5, 29, 14],
            false,
            &der::tlv(der::OCTET_STRING, &ski[..20]),
        ));
    }
    if issuer.name != subject
        && let Some(key_id) = issuer.key_id.as_ref().filter(|k| !k.is_empty())
    {
        let aki = der::constructed(der::SEQUENCE, &[&der::tlv(0x80, key_id)]);
        extensions.push(extension(&[2, 5, 29, 35], false, &aki));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for d in &t.dns {
            names.extend(der::tlv(0x82, d.as_bytes()));
        }
        for ip in &t.ips {
            names.extend(der::tlv(0x87, ip));
        }
        let san = der::tlv(der::SEQUENCE, &names);
        extensions.push(extension(&[2, 5, 29, 17], t.cn.is_empty(), &san));
    }
    let extensions = der::tlv(der::SEQUENCE, &extensions.concat());

    let sig_alg = issuer.key.signature_algorithm();
    let tbs = der::constructed(
        der::SEQUENCE,
        &[
            &der::tlv(0xa0, &der::unsigned_integer(&[2])),
            &der::unsigned_integer(&serial),
            &sig_alg,
            &issuer.name,
            &der::constructed(der::SEQUENCE, &[&time_der(now), &time_der(not_after)]),
            &subject,
            &spki,
            &der::tlv(0xa3, &extensions),
        ],
    );
    let signature = issuer
        .key
        .sign(&tbs)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let cert = der::constructed(
        der::SEQUENCE,
        &[&tbs, &sig_alg, &der::bit_string(&signature)],
    );
    Ok(Certificate {
        cert: der::pem_encode("CERTIFICATE", &cert),
        key: key
            .to_pem()
            .map_err(|e| format!("error pem-encoding key: {e}"))?,
    })
}

/// A self-signed certificate (a CA when `t.is_ca`).
pub fn self_signed(
    env: &dyn Environment,
    t: &Template,
    key: &PrivateKey,
) -> Result<Certificate, String> {
    let issuer = Issuer {
        name: name_der(&t.cn),
        key_id: None,
        public_key_info: None,
        key,
    };
    build(env, t, key, &issuer)
}

/// What signing needs from a parsed CA certificate.
struct ParsedCert {
    subject: Vec<u8>,
    key_id: Option<Vec<u8>>,
    public_key_info: Vec<u8>,
}

/// Parses a DER certificate like Go's `x509.ParseCertificate` (strict DER).
fn parse_cert(der_bytes: &[u8]) -> Result<ParsedCert, String> {
    use x509_cert::der::Encode as _;
    let cert = x509_cert::Certificate::from_der(der_bytes)
        .map_err(|_| "x509: malformed certificate".to_string())?;
    let tbs = cert.tbs_certificate();
    let enc = |r: x509_cert::der::Result<Vec<u8>>| r.map_err(|e| e.to_string());
    let subject = enc(tbs.subject().to_der())?;
    let public_key_info = enc(tbs.subject_public_key_info().to_der())?;
    let ski_oid = x509_cert::der::oid::ObjectIdentifier::new_unwrap("2.5.29.14");
    let key_id = tbs.extensions().and_then(|exts| {
        exts.iter().find(|e| e.extn_id == ski_oid).and_then(|e| {
            let (_, id, _) = Reader::new(e.extn_value.as_bytes()).next()?;
            Some(id.to_vec())
        })
    });
    Ok(ParsedCert {
        subject,
        key_id,
        public_key_info,
    })
}

/// A certificate signed by `ca`.
pub fn signed(
    env: &dyn Environment,
    t: &Template,
    key: &PrivateKey,
    ca: &Certificate,
) -> Result<Certificate, String> {
    let (_, ca_der) = der::pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let parent = parse_cert(&ca_der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer =
        parse_private_key_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let issuer = Issuer {
        name: parent.subject,
        key_id: parent.key_id,
        public_key_info: Some(parent.public_key_info),
        key: &signer,
    };
    build(env, t, key, &issuer)
}

/// Sprig's `buildCustomCert`: validates base64 PEM certificate and key, keeps them as given.
pub fn build_custom(b64cert: &str, b64key: &str) -> Result<Certificate, String> {
    let cert = base64_std_decode(b64cert).map_err(|_| "unable to decode base64 certificate")?;
    let key = base64_std_decode(b64key).map_err(|_| "unable to decode base64 private key")?;
    let cert = crate::funcs::encoding::bytes_to_string(cert);
    let key = crate::funcs::encoding::bytes_to_string(key);
    let (_, cert_der) = der::pem_decode(&cert).ok_or("unable to decode certificate")?;
    parse_cert(&cert_der)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Certificate { cert, key })
}
