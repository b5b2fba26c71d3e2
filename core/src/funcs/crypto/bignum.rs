//! Unsigned big integers as little-endian `u64` limbs, with Montgomery arithmetic for
//! RSA key generation and signing: prime testing is dominated by modular
//! exponentiation, which the generic constant-time bignum of the `rsa` crate does several
//! times slower than this allocation-free CIOS loop.
//!
//! Every number handled with a [`Monty`] has the modulus's limb count; functions here
//! assume equal lengths where they take two operands.

use std::cmp::Ordering;

/// `a += b`, returning the carry out.
pub fn add_assign(a: &mut [u64], b: &[u64]) -> u64 {
    let mut carry = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let (s1, c1) = x.overflowing_add(y);
        let (s2, c2) = s1.overflowing_add(carry);
        *x = s2;
        carry = u64::from(c1) + u64::from(c2);
    }
    carry
}

/// `a -= b`, returning the borrow out.
pub fn sub_assign(a: &mut [u64], b: &[u64]) -> u64 {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(borrow);
        *x = d2;
        borrow = u64::from(b1) + u64::from(b2);
    }
    borrow
}

/// `a += v` (a small addend), returning the carry out.
pub fn add_small(a: &mut [u64], v: u64) -> u64 {
    let mut carry = v;
    for x in a.iter_mut() {
        if carry == 0 {
            break;
        }
        let (s, c) = x.overflowing_add(carry);
        *x = s;
        carry = u64::from(c);
    }
    carry
}

/// Compares two numbers of equal limb count.
pub fn cmp(a: &[u64], b: &[u64]) -> Ordering {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// The number of significant bits.
pub fn bit_len(a: &[u64]) -> usize {
    a.iter()
        .rposition(|&x| x != 0)
        .map_or(0, |i| i * 64 + 64 - a[i].leading_zeros() as usize)
}

pub fn bit(a: &[u64], i: usize) -> bool {
    a.get(i / 64).is_some_and(|&x| (x >> (i % 64)) & 1 == 1)
}

/// `a mod d` for a small divisor.
pub fn rem_small(a: &[u64], d: u32) -> u32 {
    let d = u64::from(d);
    let mut r = 0u64;
    for &x in a.iter().rev() {
        r = ((r << 32) | (x >> 32)) % d;
        r = ((r << 32) | (x & 0xffff_ffff)) % d;
    }
    r as u32
}

/// Shifts right by `k < 64` bits in place.
pub fn shr_small(a: &mut [u64], k: u32) {
    if k == 0 {
        return;
    }
    for i in 0..a.len() {
        let hi = a.get(i + 1).map_or(0, |&x| x << (64 - k));
        a[i] = (a[i] >> k) | hi;
    }
}

/// The full product of two numbers.
pub fn mul(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; a.len() + b.len()];
    for (i, &bi) in b.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &aj) in a.iter().enumerate() {
            let t = u128::from(aj) * u128::from(bi) + u128::from(out[i + j]) + u128::from(carry);
            out[i + j] = t as u64;
            carry = (t >> 64) as u64;
        }
        out[i + a.len()] = carry;
    }
    out
}

/// Big-endian bytes (any length) to `limbs` limbs; `None` if the value does not fit.
pub fn from_be_bytes(bytes: &[u8], limbs: usize) -> Option<Vec<u64>> {
    let bytes = &bytes[bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len())..];
    if bytes.len() > limbs * 8 {
        return None;
    }
    let mut out = vec![0u64; limbs];
    for (i, chunk) in bytes.rchunks(8).enumerate() {
        let mut buf = [0u8; 8];
        buf[8 - chunk.len()..].copy_from_slice(chunk);
        out[i] = u64::from_be_bytes(buf);
    }
    Some(out)
}

/// Big-endian bytes, exactly `len` of them (the value must fit).
pub fn to_be_bytes(a: &[u64], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (i, &x) in a.iter().enumerate() {
        for (k, b) in x.to_le_bytes().into_iter().enumerate() {
            let pos = i * 8 + k;
            if pos < len {
                out[len - 1 - pos] = b;
            }
        }
    }
    out
}

/// Arithmetic modulo an odd modulus `m`, on numbers in Montgomery form (`x·R mod m`,
/// `R = 2^(64·limbs)`), all fully reduced (`< m`).
pub struct Monty {
    m: Vec<u64>,
    /// `-m⁻¹ mod 2^64`.
    inv: u64,
    /// `R mod m`: one in Montgomery form.
    one: Vec<u64>,
    /// `R² mod m`.
    r2: Vec<u64>,
    /// `R³ mod m`, to bring double-width numbers into Montgomery form.
    r3: Vec<u64>,
    scratch: Vec<u64>,
}

impl Monty {
    /// `None` unless `m` is odd and greater than one.
    pub fn new(m: &[u64]) -> Option<Monty> {
        if m.first().is_none_or(|&x| x & 1 == 0) || bit_len(m) < 2 {
            return None;
        }
        let n = m.len();
        // Newton's iteration for the inverse of m[0] modulo 2^64.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
        }
        let mut monty = Monty {
            m: m.to_vec(),
            inv: inv.wrapping_neg(),
            one: vec![0u64; n],
            r2: Vec::new(),
            r3: Vec::new(),
            scratch: vec![0u64; n + 2],
        };
        // R mod m: R - m when m has its top bit set (then R - m < m), else 1 doubled
        // 64·n times modulo m.
        if m[n - 1] >> 63 == 1 {
            sub_assign(&mut monty.one, m);
        } else {
            let mut one = vec![0u64; n];
            one[0] = 1;
            for _ in 0..64 * n {
                monty.double_assign(&mut one);
            }
            monty.one = one;
        }
        Some(monty)
    }

    /// R² and R³ mod m, computed when first needed: a prime test that fails its first
    /// (base 2) round never needs them.
    fn ensure_r2(&mut self) {
        if self.r2.is_empty() {
            let mut r2 = self.one.clone();
            for _ in 0..64 * self.m.len() {
                self.double_assign(&mut r2);
            }
            self.r3 = self.mul(&r2, &r2);
            self.r2 = r2;
        }
    }

    pub fn one(&self) -> &[u64] {
        &self.one
    }

    /// `a = 2a mod m` (valid in and out of Montgomery form).
    pub fn double_assign(&self, a: &mut [u64]) {
        let mut carry = 0u64;
        for x in a.iter_mut() {
            let top = *x >> 63;
            *x = (*x << 1) | carry;
            carry = top;
        }
        if carry == 1 || cmp(a, &self.m) != Ordering::Less {
            sub_assign(a, &self.m);
        }
    }

    /// `a = a + b mod m`.
    pub fn add_assign(&self, a: &mut [u64], b: &[u64]) {
        let carry = add_assign(a, b);
        if carry == 1 || cmp(a, &self.m) != Ordering::Less {
            sub_assign(a, &self.m);
        }
    }

    /// `a = a - b mod m`.
    pub fn sub_assign(&self, a: &mut [u64], b: &[u64]) {
        if sub_assign(a, b) == 1 {
            add_assign(a, &self.m);
        }
    }

    /// `out = a·b·R⁻¹ mod m` (CIOS). `a < R` and `b < m` give a fully reduced result.
    pub fn mul_into(&mut self, a: &[u64], b: &[u64], out: &mut [u64]) {
        let n = self.m.len();
        // Fixed sizes (RSA primes and moduli) get loops without bounds checks.
        macro_rules! fixed {
            ($($k:literal)*) => {
                match n {
                    $($k => {
                        if let (Ok(a), Ok(b), Ok(m), Ok(o)) = (
                            <&[u64; $k]>::try_from(&a[..$k]),
                            <&[u64; $k]>::try_from(&b[..$k]),
                            <&[u64; $k]>::try_from(&self.m[..$k]),
                            <&mut [u64; $k]>::try_from(&mut out[..$k]),
                        ) {
                            return cios_fixed(a, b, m, self.inv, o);
                        }
                    })*
                    _ => {}
                }
            };
        }
        fixed!(8 16 32 64);
        cios(
            &a[..n],
            &b[..n],
            &self.m,
            self.inv,
            &mut self.scratch,
            &mut out[..n],
        );
    }

    /// `out = a²·R⁻¹ mod m` for `a < m`: a quarter fewer limb products than `mul_into`.
    pub fn sqr_into(&mut self, a: &[u64], out: &mut [u64]) {
        let n = self.m.len();
        macro_rules! fixed {
            ($($k:literal $k2:literal)*) => {
                match n {
                    $($k => {
                        if let (Ok(a), Ok(m), Ok(o)) = (
                            <&[u64; $k]>::try_from(&a[..$k]),
                            <&[u64; $k]>::try_from(&self.m[..$k]),
                            <&mut [u64; $k]>::try_from(&mut out[..$k]),
                        ) {
                            return sqr_fixed::<$k, $k2>(a, m, self.inv, o);
                        }
                    })*
                    _ => {}
                }
            };
        }
        fixed!(8 16 16 32 32 64);
        cios(
            &a[..n],
            &a[..n],
            &self.m,
            self.inv,
            &mut self.scratch,
            &mut out[..n],
        );
    }

    pub fn mul(&mut self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; self.m.len()];
        self.mul_into(a, b, &mut out);
        out
    }

    /// `a` (any number below `R`) in Montgomery form.
    pub fn enter(&mut self, a: &[u64]) -> Vec<u64> {
        self.ensure_r2();
        let r2 = std::mem::take(&mut self.r2);
        let out = self.mul(a, &r2);
        self.r2 = r2;
        out
    }

    /// A number of up to twice the modulus's limbs, reduced and in Montgomery form.
    pub fn enter_wide(&mut self, a: &[u64]) -> Vec<u64> {
        let n = self.m.len();
        let mut lo = vec![0u64; n];
        let mut hi = vec![0u64; n];
        let k = a.len().min(n);
        lo[..k].copy_from_slice(&a[..k]);
        if a.len() > n {
            let k = (a.len() - n).min(n);
            hi[..k].copy_from_slice(&a[n..n + k]);
        }
        self.ensure_r2();
        let (r2, r3) = (std::mem::take(&mut self.r2), std::mem::take(&mut self.r3));
        let mut out = self.mul(&lo, &r2);
        let high = self.mul(&hi, &r3);
        self.r2 = r2;
        self.r3 = r3;
        self.add_assign(&mut out, &high);
        out
    }

    /// A Montgomery-form number back to its ordinary value.
    pub fn leave(&mut self, a: &[u64]) -> Vec<u64> {
        let mut one = vec![0u64; self.m.len()];
        one[0] = 1;
        self.mul(a, &one)
    }

    /// `base^exp` with `base` and the result in Montgomery form (fixed 4-bit window).
    pub fn pow(&mut self, base: &[u64], exp: &[u64]) -> Vec<u64> {
        let n = self.m.len();
        let mut table = Vec::with_capacity(16);
        table.push(self.one.clone());
        table.push(base[..n].to_vec());
        for i in 2..16 {
            let next = self.mul(&table[i - 1], base);
            table.push(next);
        }
        let bits = bit_len(exp);
        let windows = bits.div_ceil(4);
        let mut acc = self.one.clone();
        let mut tmp = vec![0u64; n];
        for w in (0..windows).rev() {
            for _ in 0..4 {
                self.sqr_into(&acc, &mut tmp);
                std::mem::swap(&mut acc, &mut tmp);
            }
            let shift = w * 4;
            let digit = (exp[shift / 64] >> (shift % 64)) & 0xf;
            if digit != 0 {
                self.mul_into(&acc, &table[digit as usize], &mut tmp);
                std::mem::swap(&mut acc, &mut tmp);
            }
        }
        acc
    }

    /// `2^exp` in Montgomery form: squarings and doublings, no multiplications.
    pub fn pow2(&mut self, exp: &[u64]) -> Vec<u64> {
        let n = self.m.len();
        let mut acc = self.one.clone();
        let mut tmp = vec![0u64; n];
        for i in (0..bit_len(exp)).rev() {
            self.sqr_into(&acc, &mut tmp);
            std::mem::swap(&mut acc, &mut tmp);
            if bit(exp, i) {
                self.double_assign(&mut acc);
            }
        }
        acc
    }
}

/// `a·b + c + carry` as (low, high) limbs.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let s = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(carry);
    (s as u64, (s >> 64) as u64)
}

/// Montgomery multiplication (CIOS) for a limb count known at compile time.
#[inline(always)]
fn cios_fixed<const N: usize>(
    a: &[u64; N],
    b: &[u64; N],
    m: &[u64; N],
    inv: u64,
    out: &mut [u64; N],
) {
    let mut t = [0u64; N];
    let mut hi = 0u64;
    for &bi in b {
        let mut carry = 0u64;
        for j in 0..N {
            (t[j], carry) = mac(a[j], bi, t[j], carry);
        }
        let (s, c) = hi.overflowing_add(carry);
        let q = t[0].wrapping_mul(inv);
        let (_, mut carry) = mac(q, m[0], t[0], 0);
        for j in 1..N {
            (t[j - 1], carry) = mac(q, m[j], t[j], carry);
        }
        let (s2, c2) = s.overflowing_add(carry);
        t[N - 1] = s2;
        hi = u64::from(c) + u64::from(c2);
    }
    *out = t;
    if hi != 0 || cmp(out, m) != Ordering::Less {
        sub_assign(out, m);
    }
}

/// Montgomery squaring for a limb count known at compile time (`N2 = 2N`): the
/// double-width square from its off-diagonal products doubled plus the diagonal, then
/// a Montgomery reduction.
#[inline(always)]
fn sqr_fixed<const N: usize, const N2: usize>(
    a: &[u64; N],
    m: &[u64; N],
    inv: u64,
    out: &mut [u64; N],
) {
    let mut t = [0u64; N2];
    for i in 0..N {
        let mut carry = 0u64;
        for j in i + 1..N {
            (t[i + j], carry) = mac(a[i], a[j], t[i + j], carry);
        }
        t[i + N] = carry;
    }
    let mut top = 0u64;
    for x in t.iter_mut() {
        let next = *x >> 63;
        *x = (*x << 1) | top;
        top = next;
    }
    let mut carry = 0u64;
    for i in 0..N {
        let (lo, hi) = mac(a[i], a[i], t[2 * i], carry);
        t[2 * i] = lo;
        let (s, c) = t[2 * i + 1].overflowing_add(hi);
        t[2 * i + 1] = s;
        carry = u64::from(c);
    }
    let mut top = 0u64;
    for i in 0..N {
        let q = t[i].wrapping_mul(inv);
        let mut carry = 0u64;
        for j in 0..N {
            (t[i + j], carry) = mac(q, m[j], t[i + j], carry);
        }
        let (s, c1) = t[i + N].overflowing_add(carry);
        let (s, c2) = s.overflowing_add(top);
        t[i + N] = s;
        top = u64::from(c1) + u64::from(c2);
    }
    out.copy_from_slice(&t[N..]);
    if top != 0 || cmp(out, m) != Ordering::Less {
        sub_assign(out, m);
    }
}

/// Montgomery multiplication (CIOS) for any limb count; `t` has `n + 2` limbs.
fn cios(a: &[u64], b: &[u64], m: &[u64], inv: u64, t: &mut [u64], out: &mut [u64]) {
    let n = m.len();
    t.fill(0);
    for &bi in b {
        let mut carry = 0u64;
        for j in 0..n {
            (t[j], carry) = mac(a[j], bi, t[j], carry);
        }
        let s = u128::from(t[n]) + u128::from(carry);
        t[n] = s as u64;
        t[n + 1] = (s >> 64) as u64;
        let q = t[0].wrapping_mul(inv);
        let (_, mut carry) = mac(q, m[0], t[0], 0);
        for j in 1..n {
            (t[j - 1], carry) = mac(q, m[j], t[j], carry);
        }
        let s = u128::from(t[n]) + u128::from(carry);
        t[n - 1] = s as u64;
        t[n] = t[n + 1] + ((s >> 64) as u64);
    }
    out.copy_from_slice(&t[..n]);
    if t[n] != 0 || cmp(out, m) != Ordering::Less {
        sub_assign(out, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monty_u64(m: u64) -> Monty {
        Monty::new(&[m]).unwrap()
    }

    fn pow_mod(b: u64, e: u64, m: u64) -> u64 {
        let (mut r, mut b, mut e) = (1u128, u128::from(b) % u128::from(m), e);
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % u128::from(m);
            }
            b = b * b % u128::from(m);
            e >>= 1;
        }
        r as u64
    }

    #[test]
    fn single_limb_arithmetic_matches_u128() {
        for m in [3u64, 0xffff_ffff_ffff_ffc5, 1_000_000_007, (1 << 63) + 29] {
            let mut mt = monty_u64(m);
            for (b, e) in [(2u64, 10u64), (5, m - 1), (123_456_789, 987_654_321)] {
                let bm = mt.enter(&[b % m]);
                let r = mt.pow(&bm, &[e]);
                assert_eq!(mt.leave(&r), vec![pow_mod(b, e, m)], "{b}^{e} mod {m}");
            }
            let r = mt.pow2(&[e_of(m)]);
            assert_eq!(mt.leave(&r), vec![pow_mod(2, e_of(m), m)]);
        }
    }

    fn e_of(m: u64) -> u64 {
        m / 3 + 1
    }

    #[test]
    fn squaring_matches_multiplication() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [8usize, 16, 3] {
            let mut m: Vec<u64> = (0..n).map(|_| next()).collect();
            m[0] |= 1;
            m[n - 1] |= 1 << 63;
            let mut mt = Monty::new(&m).unwrap();
            for _ in 0..20 {
                let mut a: Vec<u64> = (0..n).map(|_| next()).collect();
                a[n - 1] &= !(1 << 63);
                let a = mt.enter(&a);
                let mut s = vec![0; n];
                mt.sqr_into(&a, &mut s);
                assert_eq!(s, mt.mul(&a, &a));
            }
        }
    }

    #[test]
    fn wide_reduction_and_bytes() {
        // m = 2^64 + 13 (two limbs); a = 3·2^128 + 5 reduces to 3·13² + 5 = 512.
        let mut mt = Monty::new(&[13, 1]).unwrap();
        let a = [5u64, 0, 3, 0];
        let r = mt.enter_wide(&a);
        assert_eq!(mt.leave(&r), vec![512, 0]);
        let bytes = to_be_bytes(&[0x0102, 0x03], 9);
        assert_eq!(bytes, vec![3, 0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(from_be_bytes(&bytes, 2), Some(vec![0x0102, 0x03]));
        assert_eq!(from_be_bytes(&bytes, 1), None);
        assert_eq!(rem_small(&[5, 1], 7), (((1u128 << 64) + 5) % 7) as u32);
        assert_eq!(mul(&[u64::MAX], &[u64::MAX]), vec![1, u64::MAX - 1]);
    }
}
