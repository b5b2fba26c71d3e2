use super::*;
use capstan_core::release::Info;

fn rel(name: &str, version: i64, status: Status) -> Release {
    Release {
        name: name.into(),
        version,
        namespace: "ns".into(),
        info: Some(Info {
            status,
            ..Info::default()
        }),
        ..Release::default()
    }
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn memory_create_get_history() {
    block(async {
        let s = Storage::new(DriverKind::Memory, None, "ns");
        s.create(&rel("a", 1, Status::Superseded)).await.unwrap();
        s.create(&rel("a", 2, Status::Deployed)).await.unwrap();
        s.create(&rel("b", 1, Status::Deployed)).await.unwrap();
        assert!(matches!(
            s.create(&rel("a", 2, Status::Failed)).await,
            Err(StorageError::AlreadyExists)
        ));
        assert_eq!(s.get("a", 1).await.unwrap().version, 1);
        assert!(matches!(s.get("a", 3).await, Err(StorageError::NotFound)));
        let h: Vec<i64> = s
            .history("a")
            .await
            .unwrap()
            .iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(h, [1, 2]);
        assert_eq!(s.last("a").await.unwrap().version, 2);
        assert_eq!(s.deployed("a").await.unwrap().version, 2);
        assert_eq!(s.list_all().await.unwrap().len(), 3);
        assert_eq!(
            s.deployed("zz").await.unwrap_err().to_string(),
            "\"zz\" has no deployed releases"
        );
        assert_eq!(
            s.last("zz").await.unwrap_err().to_string(),
            "release: not found"
        );
    });
}

#[test]
fn pruning_keeps_deployed() {
    block(async {
        let mut s = Storage::new(DriverKind::Memory, None, "ns");
        s.create(&rel("a", 1, Status::Deployed)).await.unwrap();
        s.create(&rel("a", 2, Status::Failed)).await.unwrap();
        s.create(&rel("a", 3, Status::Failed)).await.unwrap();
        s.max_history = 2;
        s.create(&rel("a", 4, Status::Failed)).await.unwrap();
        let h: Vec<i64> = s
            .history("a")
            .await
            .unwrap()
            .iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(h, [1, 4]);
    });
}

#[test]
fn label_values() {
    assert!(check_label_value("my-release.1").is_ok());
    assert!(check_label_value("-x").is_err());
    assert!(check_label_value(&"a".repeat(64)).is_err());
}
