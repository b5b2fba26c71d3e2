use super::*;
use crate::env::FixedEnvironment;

fn call(name: &str, args: &[Value]) -> Result<Value, FuncError> {
    let mut r = Registry::empty();
    register(&mut r);
    let env = FixedEnvironment::new(0, 7);
    let ctx = CallContext { env: &env };
    let f = r.get(name).expect("registered");
    (f.call)(&ctx, args)
}

fn text(name: &str, args: &[Value]) -> String {
    crate::gofmt::format_value(&call(name, args).expect("no error"))
}

fn st(x: &str) -> Value {
    Value::str(x)
}

#[test]
fn case_functions() {
    assert_eq!(text("upper", &[st("straße ǆ")]), "STRAßE Ǆ");
    assert_eq!(text("lower", &[st("ÀÉÎ İ")]), "àéî i");
    assert_eq!(
        text("title", &[st("don't stop-me now_please x.y")]),
        "Don'T Stop-Me Now_please X.Y"
    );
    assert_eq!(text("untitle", &[st("HELLO WORLD")]), "hELLO wORLD");
    assert_eq!(text("swapcase", &[st("ÉtÉ")]), "éTé");
    assert_eq!(
        text("swapcase", &[st("Hello World 123")]),
        "hELLO wORLD 123"
    );
    let cases = [
        ("HTTPServer", "http_server", "Httpserver"),
        ("userID", "user_id", "UserID"),
        ("camelCase123", "camel_case123", "CamelCase123"),
        ("A1B2", "a1_b2", "A1B2"),
        ("__lead", "__lead", "__Lead"),
        ("trail__", "trail__", "Trail__"),
        (
            "Mixed_Snake-Kebab Case",
            "mixed_snake_kebab_case",
            "MixedSnakeKebabCase",
        ),
        ("ÉtéFort", "été_fort", "ÉtéFort"),
        ("ID", "id", "Id"),
        ("x", "x", "X"),
        ("HTTP2xx", "http_2xx", "Http2xx"),
        ("Bld4Floor3rd", "bld4_floor_3rd", "Bld4Floor3rd"),
        ("", "", ""),
        ("ab CDE fG", "ab_cde_f_g", "AbCdeFG"),
        ("A__BC", "a__bc", "A_Bc"),
    ];
    for (input, snake, camel) in cases {
        assert_eq!(text("snakecase", &[st(input)]), snake, "snakecase {input}");
        assert_eq!(text("camelcase", &[st(input)]), camel, "camelcase {input}");
    }
    assert_eq!(text("kebabcase", &[st("__lead")]), "--lead");
}

#[test]
fn splitting_and_joining() {
    assert_eq!(
        text("split", &[st(","), st("a,b,c")]),
        "map[_0:a _1:b _2:c]"
    );
    assert_eq!(
        text("splitn", &[st(","), Value::Int(2), st("a,b,c")]),
        "map[_0:a _1:b,c]"
    );
    assert_eq!(
        text("splitn", &[st(","), Value::Int(0), st("a,b,c")]),
        "map[]"
    );
    assert_eq!(text("splitList", &[st(""), st("abc")]), "[a b c]");
    assert_eq!(text("splitList", &[st(","), st("a,,b,")]), "[a  b ]");
    let l = Value::list(vec![st("a"), Value::Nil, st("b")]);
    assert_eq!(text("join", &[st(","), l]), "a,b");
    assert_eq!(text("join", &[st("+"), Value::Int(5)]), "5");
    let l = Value::list(vec![
        Value::Int(10),
        Value::Int(9),
        Value::Int(100),
        st("x"),
    ]);
    assert_eq!(text("sortAlpha", &[l]), "[10 100 9 x]");
    assert_eq!(text("sortAlpha", &[st("abc")]), "[abc]");
}

#[test]
fn quoting_and_cat() {
    assert_eq!(
        text("quote", &[st("a"), Value::Nil, st("b"), Value::Int(3)]),
        "\"a\" \"b\" \"3\""
    );
    assert_eq!(text("quote", &[Value::Float(1e7)]), "\"1e+07\"");
    assert_eq!(text("squote", &[Value::Int(5), st("it's")]), "'5' 'it's'");
    assert_eq!(
        text(
            "cat",
            &[
                st("a"),
                Value::Int(1),
                Value::Nil,
                Value::Bool(true),
                st("b")
            ]
        ),
        "a 1 true b"
    );
    assert_eq!(text("cat", &[st(""), st("")]), " ");
}

#[test]
fn padding_and_errors() {
    assert_eq!(
        text("indent", &[Value::Int(4), st("a\n\nb\n")]),
        "    a\n    \n    b\n    "
    );
    assert_eq!(text("nindent", &[Value::Int(2), st("a\nb")]), "\n  a\n  b");
    let err = call("indent", &[Value::Int(-1), st("x")]).err();
    assert_eq!(
        err.map(|e| e.0),
        Some("strings: negative Repeat count".to_string())
    );
    assert_eq!(text("replace", &[st(""), st("-"), st("abc")]), "-a-b-c-");
    assert_eq!(text("trimAll", &[st("ab"), st("abcbaXabcba")]), "cbaXabc");
    assert_eq!(
        text("plural", &[st("one"), st("many"), Value::Int(1)]),
        "one"
    );
}

#[test]
fn random_shapes() {
    let v = text("randAlphaNum", &[Value::Int(20)]);
    assert_eq!(v.len(), 20);
    assert!(v.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(text("randNumeric", &[Value::Int(-3)]), "");
    let shuffled = text("shuffle", &[st("abcdef")]);
    let mut sorted: Vec<char> = shuffled.chars().collect();
    sorted.sort_unstable();
    assert_eq!(sorted.into_iter().collect::<String>(), "abcdef");
}
