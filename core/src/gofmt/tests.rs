use super::*;
use crate::value::{ListKind, Map, MapKind};

fn s(x: &str) -> Value {
    Value::str(x)
}

fn dict(pairs: &[(&str, Value)]) -> Value {
    let m = Map::new();
    for (k, v) in pairs {
        m.insert(*k, v.clone());
    }
    Value::Map(m)
}

#[test]
fn print_spacing() {
    let args = [
        s("a"),
        s("b"),
        Value::Int(1),
        Value::Int(2),
        s("c"),
        Value::Float(3.5),
        Value::Bool(true),
    ];
    assert_eq!(sprint(&args), "ab1 2c3.5 true");
    assert_eq!(sprint(&[s("x"), Value::Nil, s("y")]), "x<nil>y");
    assert_eq!(
        sprint(&[
            Value::Int(1),
            Value::Float(2.5),
            Value::Bool(true),
            Value::Nil
        ]),
        "1 2.5 true <nil>"
    );
    assert_eq!(sprintln(&[Value::Int(1), s("a"), Value::Int(2)]), "1 a 2\n");
}

#[test]
fn default_formats() {
    assert_eq!(format_value(&Value::Float(1e7)), "1e+07");
    assert_eq!(format_value(&Value::Float(123456.0)), "123456");
    assert_eq!(format_value(&Value::Float(1.2e-5)), "1.2e-05");
    let l = Value::list(vec![Value::Int(1), s("a"), Value::Bool(true), Value::Nil]);
    assert_eq!(format_value(&l), "[1 a true <nil>]");
    let m = dict(&[
        ("b", Value::Int(1)),
        ("a", Value::list(vec![s("x")])),
        ("n", Value::Nil),
    ]);
    assert_eq!(format_value(&m), "map[a:[x] b:1 n:<nil>]");
    assert_eq!(
        format_value(&Value::Bytes(b"hi".as_slice().into())),
        "[104 105]"
    );
}

#[test]
fn bad_args() {
    assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
    assert_eq!(sprintf("%d", &[Value::Nil]), "%!d(<nil>)");
    assert_eq!(sprintf("%s", &[Value::Nil]), "%!s(<nil>)");
    assert_eq!(sprintf("%d %d", &[Value::Int(1)]), "1 %!d(MISSING)");
    assert_eq!(
        sprintf("%d", &[Value::Int(1), s("x"), Value::Float(2.5)]),
        "1%!(EXTRA string=x, float64=2.5)"
    );
    assert_eq!(sprintf("%z", &[Value::Int(1)]), "%!z(int=1)");
    assert_eq!(sprintf("%!", &[Value::Int(1)]), "%!!(int=1)");
    assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
    assert_eq!(sprintf("%[3]s", &[s("a")]), "%!s(BADINDEX)");
    assert_eq!(sprintf("%[2]s-%[1]s", &[s("a"), s("b")]), "b-a");
    assert_eq!(sprintf("%s %[1]s", &[s("a")]), "a a");
    assert_eq!(sprintf("%*d", &[s("x"), Value::Int(1)]), "%!(BADWIDTH)1");
    assert_eq!(
        sprintf("%.*d", &[Value::Int(-1), Value::Int(1)]),
        "%!(BADPREC)1"
    );
    assert_eq!(sprintf("100%%", &[]), "100%");
    let mixed = Value::list(vec![s("a"), Value::Int(1)]);
    assert_eq!(sprintf("%s", &[mixed]), "[a %!s(int=1)]");
    assert_eq!(
        sprintf("%d", &[Value::list(vec![Value::Int(1), Value::Nil])]),
        "[1 <nil>]"
    );
}

#[test]
fn integers() {
    let i = |v| [Value::Int(v)];
    assert_eq!(
        sprintf(
            "%5d|%-5d|%05d|%05d",
            &[
                Value::Int(42),
                Value::Int(42),
                Value::Int(42),
                Value::Int(-42)
            ]
        ),
        "   42|42   |00042|-0042"
    );
    assert_eq!(
        sprintf(
            "%+d % d %.3d",
            &[Value::Int(42), Value::Int(42), Value::Int(7)]
        ),
        "+42  42 007"
    );
    assert_eq!(
        sprintf(
            "%*d|%-*d|",
            &[Value::Int(6), Value::Int(42), Value::Int(6), Value::Int(42)]
        ),
        "    42|42    |"
    );
    assert_eq!(
        sprintf(
            "%x %X %#x %#X %08x",
            &[
                Value::Int(255),
                Value::Int(255),
                Value::Int(255),
                Value::Int(255),
                Value::Int(255)
            ]
        ),
        "ff FF 0xff 0XFF 000000ff"
    );
    assert_eq!(sprintf("%x", &i(-255)), "-ff");
    assert_eq!(
        sprintf("%o %#o %O", &[Value::Int(8), Value::Int(8), Value::Int(8)]),
        "10 010 0o10"
    );
    assert_eq!(
        sprintf("%b %b", &[Value::Int(5), Value::Int(-5)]),
        "101 -101"
    );
    assert_eq!(sprintf("%c %c", &[Value::Int(65), Value::Int(233)]), "A é");
    assert_eq!(
        sprintf("%U %#U", &[Value::Int(233), Value::Int(233)]),
        "U+00E9 U+00E9 'é'"
    );
    assert_eq!(sprintf("%q", &i(65)), "'A'");
    assert_eq!(
        sprintf("%3c|%-3c|", &[Value::Int(65), Value::Int(66)]),
        "  A|B  |"
    );
    assert_eq!(sprintf("%d", &i(i64::MAX)), "9223372036854775807");
    assert_eq!(sprintf("%d", &i(i64::MIN)), "-9223372036854775808");
    assert_eq!(sprintf("%#v", &[Value::Uint(3)]), "0x3");
    assert_eq!(sprintf("%.0d|", &i(0)), "|");
}

#[test]
fn floats() {
    let f = |v| [Value::Float(v)];
    assert_eq!(sprintf("%f", &f(3.14158)), "3.141580");
    assert_eq!(
        sprintf(
            "%5.2f|%-8.2f|",
            &[Value::Float(3.14158), Value::Float(3.14158)]
        ),
        " 3.14|3.14    |"
    );
    assert_eq!(sprintf("%08.3f", &f(-3.14158)), "-003.142");
    assert_eq!(sprintf("%+.1f", &f(2.25)), "+2.2");
    assert_eq!(sprintf("%d", &f(1.5)), "%!d(float64=1.5)");
    assert_eq!(sprintf("%F", &f(1.5)), "1.500000");
    assert_eq!(
        sprintf("%e %E", &[Value::Float(1234.5678), Value::Float(1234.5678)]),
        "1.234568e+03 1.234568E+03"
    );
    assert_eq!(
        sprintf("%x %X", &[Value::Float(0.5), Value::Float(0.5)]),
        "0x1p-01 0X1P-01"
    );
    assert_eq!(sprintf("%b", &f(1.0)), "4503599627370496p-52");
    assert_eq!(sprintf("%6.2v|", &f(3.14158)), "   3.1|");
    assert_eq!(
        sprintf(
            "%05.1f|%-7.3e|%+g",
            &[
                Value::Float(3.14158),
                Value::Float(31415.9),
                Value::Float(0.5)
            ]
        ),
        "003.1|3.142e+04|+0.5"
    );
    assert_eq!(sprintf("%#g", &f(1.0)), "1.00000");
    assert_eq!(sprintf("%#.0f", &f(1.0)), "1.");
    assert_eq!(sprintf("%05v", &f(f64::INFINITY)), " +Inf");
    assert_eq!(sprintf("%v", &f(f64::NAN)), "NaN");
}

#[test]
fn strings_and_quoting() {
    assert_eq!(
        sprintf("%8s|%-8s|%.2s", &[s("ab"), s("ab"), s("abcdef")]),
        "      ab|ab      |ab"
    );
    assert_eq!(sprintf("%-6s|%.1s", &[s("héé"), s("éa")]), "héé   |é");
    assert_eq!(
        sprintf(
            "%q %+q %#q %#q",
            &[s("a\"b"), s("é"), s("raw"), s("back`tick")]
        ),
        "\"a\\\"b\" \"\\u00e9\" `raw` \"back`tick\""
    );
    assert_eq!(
        sprintf("%x %X % x %#x", &[s("hi"), s("hi"), s("hi"), s("hi")]),
        "6869 6869 68 69 0x6869"
    );
    assert_eq!(
        sprintf(
            "%x",
            &[Value::list(vec![
                Value::Int(10),
                Value::Int(11),
                Value::Int(255)
            ])]
        ),
        "[a b ff]"
    );
    assert_eq!(sprintf("%q", &[dict(&[("a", s("b"))])]), "map[\"a\":\"b\"]");
    assert_eq!(sprintf("%x", &[dict(&[("a", s("b"))])]), "map[61:62]");
    assert_eq!(
        sprintf("%t %t", &[Value::Int(1), Value::Bool(false)]),
        "%!t(int=1) false"
    );
    assert_eq!(
        sprintf("%s", &[Value::Bytes(b"hi".as_slice().into())]),
        "hi"
    );
}

#[test]
fn go_syntax_and_types() {
    let m = dict(&[("b", Value::Int(1)), ("a", s("x"))]);
    assert_eq!(
        sprintf("%#v", &[m]),
        "map[string]interface {}{\"a\":\"x\", \"b\":1}"
    );
    assert_eq!(
        sprintf(
            "%#v",
            &[Value::list(vec![Value::Int(1), s("a"), Value::Nil])]
        ),
        "[]interface {}{1, \"a\", interface {}(nil)}"
    );
    assert_eq!(
        sprintf(
            "%#v %#v %#v",
            &[Value::Int(42), Value::Float(1.0), Value::Nil]
        ),
        "42 1 <nil>"
    );
    let typed = Value::typed_list(ListKind::String, vec![s("a")]);
    assert_eq!(
        sprintf("%#v|%T", &[typed.clone(), typed]),
        "[]string{\"a\"}|[]string"
    );
    let values = Value::Map(Map::with_kind(MapKind::Values));
    assert_eq!(
        sprintf("%T|%#v", &[values.clone(), values]),
        "common.Values|common.Values{}"
    );
    assert_eq!(
        sprintf(
            "%T %T %5T|",
            &[Value::Int(1), Value::Nil, Value::Bool(true)]
        ),
        "int <nil>  bool|"
    );
    assert_eq!(
        sprintf("%#v", &[Value::Bytes(b"\x01".as_slice().into())]),
        "[]byte{0x1}"
    );
}

#[test]
fn self_containing_map_terminates() {
    let m = Map::new();
    m.insert("self", Value::Map(m.clone()));
    let out = format_value(&Value::Map(m.clone()));
    assert!(out.starts_with("map[self:map[self:"));
    assert!(out.contains("..."));
    m.remove("self");
}
