//! Random probable primes for RSA keys.
//!
//! A random odd start with its two top bits set (so that the product of two such primes
//! has exactly the requested size), a sieve of small prime factors over a window of odd
//! candidates after it, then for each survivor: Miller-Rabin to base 2, further rounds to
//! random bases, and a strong Lucas test — Baillie-PSW plus random-base rounds, the
//! same strength as Go's `ProbablyPrime`. The sieve rejects ~90% of candidates at the
//! cost of a few comparisons, and composites almost always fail the first (base 2)
//! round, which is made of squarings and doublings only.

use super::bignum::{self, Monty};
use crate::env::Environment;

/// Candidates with an odd prime factor below this bound are never exponentiated.
const SIEVE_LIMIT: u32 = 1 << 16;
/// Odd candidates examined after each random start (a prime gap at 2048 bits averages
/// ~1,400, so a window rarely comes up empty; then a new start is drawn).
const WINDOW: usize = 4096;
/// Miller-Rabin rounds to random bases after the base-2 round (FIPS 186-5's count for
/// 1024-bit candidates is 5 in all, before the Lucas test).
const RANDOM_ROUNDS: usize = 4;
/// The Lucas test looks for its parameter P among 3..LUCAS_P_LIMIT: a prime finds one
/// within a few tries; only squares (which are not prime) exhaust the range.
const LUCAS_P_LIMIT: u32 = 10_000;

/// Odd primes below [`SIEVE_LIMIT`].
fn small_primes() -> Vec<u32> {
    let limit = SIEVE_LIMIT as usize;
    let mut composite = vec![false; limit];
    let mut out = Vec::new();
    for i in 3..limit {
        if i % 2 == 1 && !composite[i] {
            out.push(i as u32);
            let mut j = i * i;
            while j < limit {
                composite[j] = true;
                j += i;
            }
        }
    }
    out
}

/// A uniformly random number below `2^bits`, as `bits.div_ceil(64)` limbs.
fn random_bits(env: &dyn Environment, bits: usize) -> Vec<u64> {
    let limbs = bits.div_ceil(64);
    let mut bytes = vec![0u8; limbs * 8];
    env.fill_random(&mut bytes);
    let mut x: Vec<u64> = bytes
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    let spare = limbs * 64 - bits;
    if spare > 0 {
        x[limbs - 1] &= u64::MAX >> spare;
    }
    x
}

/// A random number of exactly `bits` bits (≥ 2) with its two top bits and its low bit set.
fn random_start(env: &dyn Environment, bits: usize) -> Vec<u64> {
    let mut x = random_bits(env, bits);
    for i in [bits - 1, bits - 2, 0] {
        x[i / 64] |= 1u64 << (i % 64);
    }
    x
}

/// A random probable prime of exactly `bits` bits (≥ 64) with its two top bits set and
/// `p - 1` not divisible by the (prime) public exponent `e`.
pub fn random_prime(env: &dyn Environment, bits: usize, e: u32) -> Vec<u64> {
    let primes = small_primes();
    let mut composite = vec![false; WINDOW];
    loop {
        let start = random_start(env, bits);
        composite.fill(false);
        // Residues modulo pairs of primes (products below 2^32) halve the long divisions.
        let mut residues = Vec::with_capacity(primes.len());
        for pair in primes.chunks(2) {
            let prod = pair.iter().map(|&q| u64::from(q)).product::<u64>();
            if let Ok(prod) = u32::try_from(prod) {
                let r = bignum::rem_small(&start, prod);
                residues.extend(pair.iter().map(|&q| r % q));
            } else {
                residues.extend(pair.iter().map(|&q| bignum::rem_small(&start, q)));
            }
        }
        for (&q, &r) in primes.iter().zip(&residues) {
            // start + 2k ≡ 0 (mod q)  ⇔  k ≡ -r · 2⁻¹ (mod q)
            let half = q.div_ceil(2);
            let mut k = ((u64::from((q - r) % q) * u64::from(half)) % u64::from(q)) as usize;
            while k < WINDOW {
                composite[k] = true;
                k += q as usize;
            }
        }
        let mut cand = start.clone();
        let mut at = 0usize;
        for (k, _) in composite.iter().enumerate().filter(|(_, c)| !**c) {
            bignum::add_small(&mut cand, 2 * (k - at) as u64);
            at = k;
            if bignum::bit_len(&cand) != bits {
                break;
            }
            if bignum::rem_small(&cand, e) == 1 {
                continue;
            }
            if is_probable_prime(env, &cand) {
                return cand;
            }
        }
    }
}

/// Baillie-PSW plus [`RANDOM_ROUNDS`] Miller-Rabin rounds for an odd `n` > 3 without
/// small factors.
pub fn is_probable_prime(env: &dyn Environment, n: &[u64]) -> bool {
    let Some(mut mt) = Monty::new(n) else {
        return false;
    };
    let mut n_minus_1 = n.to_vec();
    n_minus_1[0] &= !1;
    let s = trailing_zeros(&n_minus_1);
    let d = shr(&n_minus_1, s);
    let one = mt.one().to_vec();
    let mut minus_one = vec![0u64; n.len()];
    mt.sub_assign(&mut minus_one, &one);

    let x = mt.pow2(&d);
    if !miller_rabin_tail(&mut mt, x, s, &one, &minus_one) {
        return false;
    }
    let bits = bignum::bit_len(n);
    for _ in 0..RANDOM_ROUNDS {
        // A base in [2, n-2]: fewer bits than n, and not 0 or 1.
        let base = loop {
            let mut b = random_bits(env, bits - 1);
            b.resize(n.len(), 0);
            if bignum::bit_len(&b) > 1 {
                break b;
            }
        };
        let bm = mt.enter(&base);
        let x = mt.pow(&bm, &d);
        if !miller_rabin_tail(&mut mt, x, s, &one, &minus_one) {
            return false;
        }
    }
    strong_lucas(&mut mt, n)
}

/// The rest of a Miller-Rabin round from `x = a^d`: a probable prime gives 1, or -1
/// somewhere along the `s - 1` squarings.
fn miller_rabin_tail(mt: &mut Monty, mut x: Vec<u64>, s: usize, one: &[u64], m1: &[u64]) -> bool {
    if x == one || x == m1 {
        return true;
    }
    let mut tmp = vec![0u64; x.len()];
    for _ in 1..s {
        mt.sqr_into(&x, &mut tmp);
        std::mem::swap(&mut x, &mut tmp);
        if x == m1 {
            return true;
        }
        if x == one {
            return false;
        }
    }
    false
}

fn trailing_zeros(a: &[u64]) -> usize {
    let mut z = 0;
    for &x in a {
        if x == 0 {
            z += 64;
        } else {
            return z + x.trailing_zeros() as usize;
        }
    }
    z
}

fn shr(a: &[u64], k: usize) -> Vec<u64> {
    let mut out = vec![0u64; a.len()];
    let (words, bits) = (k / 64, (k % 64) as u32);
    out[..a.len() - words.min(a.len())].copy_from_slice(&a[words.min(a.len())..]);
    bignum::shr_small(&mut out, bits);
    out
}

/// The Jacobi symbol (a / n) for a small `a` and an odd `n` given as limbs.
fn jacobi(a: u32, n: &[u64]) -> i32 {
    let mut a = a;
    let mut t = 1;
    // (2/n) depends on n mod 8; n mod 8 and mod 4 come from the low limb.
    let n8 = n[0] & 7;
    while a != 0 && a.is_multiple_of(2) {
        a /= 2;
        if n8 == 3 || n8 == 5 {
            t = -t;
        }
    }
    if a == 1 {
        return t;
    }
    if a == 0 {
        return 0;
    }
    // Reciprocity: (a/n) = (n/a) · (-1)^((a-1)/2 · (n-1)/2).
    if a % 4 == 3 && n[0] % 4 == 3 {
        t = -t;
    }
    let (mut a, mut m) = (u64::from(bignum::rem_small(n, a)), u64::from(a));
    while a != 0 {
        while a % 2 == 0 {
            a /= 2;
            if m % 8 == 3 || m % 8 == 5 {
                t = -t;
            }
        }
        std::mem::swap(&mut a, &mut m);
        if a % 4 == 3 && m % 4 == 3 {
            t = -t;
        }
        a %= m;
    }
    if m == 1 { t } else { 0 }
}

/// The extra strong Lucas probable-prime test with Q = 1 and the first P ≥ 3 whose
/// discriminant D = P² - 4 has Jacobi symbol -1 modulo n.
fn strong_lucas(mt: &mut Monty, n: &[u64]) -> bool {
    let mut p = 3u32;
    loop {
        if p >= LUCAS_P_LIMIT {
            return false;
        }
        match jacobi(p * p - 4, n) {
            -1 => break,
            // D shares a factor with n (and n, being large, is not D itself).
            0 => return false,
            _ => p += 1,
        }
    }
    // n + 1 = 2^r · s with s odd.
    let mut n_plus_1 = n.to_vec();
    if bignum::add_small(&mut n_plus_1, 1) != 0 {
        return false;
    }
    let r = trailing_zeros(&n_plus_1);
    let s = shr(&n_plus_1, r);

    let limbs = n.len();
    let mut small = |v: u32| {
        let mut x = vec![0u64; limbs];
        x[0] = u64::from(v);
        mt.enter(&x)
    };
    let two = small(2);
    let pm = small(p);
    let mut minus_two = vec![0u64; limbs];
    mt.sub_assign(&mut minus_two, &two);

    // Ladder over the bits of s: (V_k, V_{k+1}) from (V_0, V_1) = (2, P), with
    // V_{2k} = V_k² - 2 and V_{2k+1} = V_k·V_{k+1} - P (Q = 1).
    let mut vk = two.clone();
    let mut vk1 = pm.clone();
    let mut t = vec![0u64; limbs];
    for i in (0..bignum::bit_len(&s)).rev() {
        mt.mul_into(&vk, &vk1, &mut t);
        mt.sub_assign(&mut t, &pm);
        if bignum::bit(&s, i) {
            // (V_{2k+1}, V_{2k+2})
            std::mem::swap(&mut vk, &mut t);
            mt.sqr_into(&vk1, &mut t);
            mt.sub_assign(&mut t, &two);
            std::mem::swap(&mut vk1, &mut t);
        } else {
            // (V_{2k}, V_{2k+1})
            std::mem::swap(&mut vk1, &mut t);
            mt.sqr_into(&vk, &mut t);
            mt.sub_assign(&mut t, &two);
            std::mem::swap(&mut vk, &mut t);
        }
    }
    if vk == two || vk == minus_two {
        // U_s ≡ 0 ⇔ P·V_s ≡ 2·V_{s+1} (U_k = (2V_{k+1} - P·V_k) / D).
        let lhs = mt.mul(&pm, &vk);
        let mut rhs = vk1;
        mt.double_assign(&mut rhs);
        if lhs == rhs {
            return true;
        }
    }
    let zero = vec![0u64; limbs];
    for _ in 0..r.saturating_sub(1) {
        if vk == zero {
            return true;
        }
        if vk == two {
            return false;
        }
        mt.sqr_into(&vk, &mut t);
        mt.sub_assign(&mut t, &two);
        std::mem::swap(&mut vk, &mut t);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::FixedEnvironment;

    fn limbs(v: u128, n: usize) -> Vec<u64> {
        let mut out = vec![v as u64, (v >> 64) as u64];
        out.resize(n, 0);
        out
    }

    fn is_prime_small(v: u64) -> bool {
        v >= 2
            && (2..)
                .take_while(|d| d * d <= v)
                .all(|d| !v.is_multiple_of(d))
    }

    #[test]
    fn agrees_with_trial_division() {
        let env = FixedEnvironment::new(0, 7);
        for v in (101u64..20_000).step_by(2) {
            assert_eq!(
                is_probable_prime(&env, &[v]),
                is_prime_small(v),
                "{v} misjudged"
            );
        }
    }

    #[test]
    fn rejects_pseudoprimes() {
        let env = FixedEnvironment::new(0, 7);
        // Strong pseudoprimes to base 2, Carmichael numbers, a strong Lucas pseudoprime,
        // a square of a prime, and a product of two 64-bit primes.
        for v in [
            2047u128,
            3277,
            4033,
            561,
            1105,
            5459,
            5777,
            10877,
            3_215_031_751,
            25_326_001,
        ] {
            assert!(!is_probable_prime(&env, &limbs(v, 1)), "{v} passed");
        }
        let p = 0xffff_ffff_ffff_ffc5u128;
        assert!(is_probable_prime(&env, &limbs(p, 1)));
        assert!(!is_probable_prime(&env, &limbs(p * p, 2)));
        // 2^127 - 1 is prime; 2^127 + 1 is not.
        assert!(is_probable_prime(&env, &limbs((1 << 127) - 1, 2)));
        assert!(!is_probable_prime(&env, &limbs((1 << 127) + 1, 2)));
    }

    #[test]
    fn random_primes_have_the_requested_shape() {
        let env = FixedEnvironment::new(0, 11);
        for bits in [64usize, 100, 512] {
            let p = random_prime(&env, bits, 65537);
            assert_eq!(bignum::bit_len(&p), bits);
            assert!(bignum::bit(&p, bits - 2));
            assert_ne!(bignum::rem_small(&p, 65537), 1);
            for q in small_primes() {
                assert_ne!(bignum::rem_small(&p, q), 0);
            }
        }
    }

    #[test]
    fn lucas_alone_agrees_except_on_its_pseudoprimes() {
        // The extra strong Lucas pseudoprimes below 20,000 for Baillie's P = 3, 4, 5, …
        let pseudo = [989u64, 3239, 5777, 10877];
        for v in (101u64..20_000).step_by(2) {
            let mut mt = Monty::new(&[v]).unwrap();
            let expect = is_prime_small(v) || pseudo.contains(&v);
            assert_eq!(strong_lucas(&mut mt, &[v]), expect, "{v} misjudged");
        }
    }

    #[test]
    fn jacobi_symbols() {
        // (5/7) = -1, (2/7) = 1, (21/7) = 0, (5/11) = 1
        assert_eq!(jacobi(5, &[7]), -1);
        assert_eq!(jacobi(2, &[7]), 1);
        assert_eq!(jacobi(21, &[7]), 0);
        assert_eq!(jacobi(5, &[11]), 1);
    }
}
