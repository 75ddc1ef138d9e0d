use contract::api::{ErrorBody, ErrorCode, ErrorDetails};
use proptest::prelude::*;

use super::*;

const ACCOUNT: Uuid = Uuid::from_u128(0xA);

fn task(id: i64, version: i64, title: &str) -> Task {
    let at = "2026-12-07T10:00:00Z".parse().expect("a timestamp");
    Task {
        id,
        user_id: ACCOUNT,
        title: title.into(),
        description: None,
        completed: false,
        created_at: at,
        updated_at: at,
        version,
    }
}

fn entry(seq: u32, op: Op) -> Entry {
    Entry { seq, account: ACCOUNT, title: "t".into(), op }
}

fn create(local: i64, title: &str) -> Op {
    Op::Create {
        key: format!("key{local}"),
        local,
        request: CreateTaskRequest { title: title.into(), description: None },
        at: 1_796_727_600_000,
    }
}

fn edit(task: Target, base: i64, title: &str) -> Op {
    Op::Edit {
        task,
        base,
        request: UpdateTaskRequest { title: Some(Some(title.into())), ..UpdateTaskRequest::default() },
    }
}

fn refusal(code: ErrorCode, current: Option<Task>) -> ApiError {
    ApiError::Refused(Box::new(ErrorBody {
        code,
        message: "no".into(),
        details: current.map(|task| ErrorDetails::Current { current: Box::new(task) }),
    }))
}

#[test]
fn a_create_gives_its_later_changes_the_real_id_and_version() {
    let queue = Queue(vec![
        entry(1, create(-5, "a")),
        entry(2, edit(Target::Local(-5), 0, "b")),
        entry(3, Op::Toggle { task: Target::Local(-5), base: 0, completed: true }),
        entry(4, edit(Target::Saved(9), 3, "other task")),
    ]);
    let rewritten = queue.settled(&queue.0[0], Some(&task(41, 1, "a")));
    assert_eq!(
        rewritten,
        [
            entry(2, edit(Target::Saved(41), 1, "b")),
            entry(3, Op::Toggle { task: Target::Saved(41), base: 1, completed: true }),
        ]
    );
}

#[test]
fn changes_made_on_one_version_follow_each_other() {
    let queue = Queue(vec![
        entry(1, edit(Target::Saved(7), 3, "b")),
        entry(2, Op::Toggle { task: Target::Saved(7), base: 3, completed: true }),
        entry(3, Op::Delete { task: Target::Saved(7), base: 3 }),
    ]);
    let rewritten = queue.settled(&queue.0[0], Some(&task(7, 4, "b")));
    assert_eq!(
        rewritten,
        [
            entry(2, Op::Toggle { task: Target::Saved(7), base: 4, completed: true }),
            entry(3, Op::Delete { task: Target::Saved(7), base: 4 }),
        ]
    );
    // A change made after the list showed another device's version keeps it.
    let later =
        Queue(vec![entry(1, edit(Target::Saved(7), 3, "b")), entry(2, edit(Target::Saved(7), 5, "c"))]);
    assert_eq!(later.settled(&later.0[0], Some(&task(7, 4, "b")))[0].op, edit(Target::Saved(7), 5, "c"));
    // Without a task in the answer (a delete), nothing moves.
    assert!(queue.settled(&queue.0[2], None).is_empty());
}

#[test]
fn each_change_replays_with_its_key_or_version() {
    let replay = entry(1, create(-5, "a")).op.request().expect("a request");
    assert_eq!(replay.headers, [("Idempotency-Key", "key-5".to_owned())]);
    let replay = edit(Target::Saved(7), 3, "b").request().expect("a request");
    assert_eq!(
        (replay.path.as_str(), replay.headers.as_slice()),
        ("/api/tasks/7", &[("If-Match", "\"3\"".to_owned())][..])
    );
    assert_eq!(edit(Target::Local(-5), 0, "b").request(), None);
}

#[test]
fn answers_decide_what_happens_to_the_entry() {
    let edited = entry(1, edit(Target::Saved(7), 3, "mine"));
    assert_eq!(edited.verdict(Err(ApiError::Network)), Verdict::Later);
    assert_eq!(edited.verdict(Err(refusal(ErrorCode::Unauthorized, None))), Verdict::SignIn);
    assert_eq!(edited.verdict(Err(refusal(ErrorCode::RateLimited, None))), Verdict::Later);
    assert_eq!(edited.verdict(Err(ApiError::Unexpected { status: 502 })), Verdict::Later);
    // The first send went through and only its answer was lost: the server shows it.
    let applied = task(7, 4, "mine");
    assert_eq!(
        edited.verdict(Err(refusal(ErrorCode::PreconditionFailed, Some(applied.clone())))),
        Verdict::Done(Some(applied))
    );
    // Another device changed it: a conflict, with their version.
    let theirs = task(7, 4, "theirs");
    let Verdict::Refused { current, .. } =
        edited.verdict(Err(refusal(ErrorCode::PreconditionFailed, Some(theirs.clone()))))
    else {
        panic!("a conflict")
    };
    assert_eq!(current, Some(theirs));
    // A delete or restore that finds the task already where it was sent.
    let deleted = entry(2, Op::Delete { task: Target::Saved(7), base: 3 });
    assert_eq!(deleted.verdict(Err(refusal(ErrorCode::NotFound, None))), Verdict::Done(None));
    assert!(matches!(edited.verdict(Err(refusal(ErrorCode::NotFound, None))), Verdict::Refused { .. }));
    let created = entry(3, create(-5, "a"));
    assert!(matches!(created.verdict(Err(refusal(ErrorCode::Forbidden, None))), Verdict::Refused { .. }));
}

#[test]
fn the_list_shows_what_waits() {
    let queue = Queue(vec![
        entry(1, create(-5, "new")),
        entry(2, Op::Toggle { task: Target::Saved(3), base: 1, completed: true }),
        entry(3, Op::Delete { task: Target::Saved(2), base: 1 }),
        entry(4, edit(Target::Saved(1), 1, "renamed")),
    ]);
    let mut page = vec![task(3, 1, "c"), task(2, 1, "b"), task(1, 1, "a")];
    queue.overlay(&mut page, 1, ACCOUNT);
    let shown: Vec<_> = page.iter().map(|t| (t.id, t.title.as_str(), t.completed)).collect();
    assert_eq!(shown, [(-5, "new", false), (3, "c", true), (1, "renamed", false)]);
    assert!(queue.waits_for(-5) && queue.waits_for(2) && !queue.waits_for(4));
    // Creates head the first page only; another account's changes never show.
    let mut second = vec![task(1, 1, "a")];
    queue.overlay(&mut second, 2, ACCOUNT);
    assert_eq!(second.len(), 1);
    let mut theirs = vec![task(3, 1, "c")];
    queue.overlay(&mut theirs, 1, Uuid::from_u128(0xB));
    assert_eq!(theirs, [task(3, 1, "c")]);
}

#[test]
fn an_undone_delete_shows_the_task_in_its_place() {
    let queue = Queue(vec![
        entry(1, Op::Delete { task: Target::Saved(2), base: 1 }),
        entry(2, Op::Restore { task: Target::Saved(2), shown: Box::new(task(2, 1, "b")) }),
    ]);
    let mut page = vec![task(3, 1, "c"), task(2, 1, "b"), task(1, 1, "a")];
    queue.overlay(&mut page, 1, ACCOUNT);
    assert_eq!(page.iter().map(|t| t.id).collect::<Vec<_>>(), [3, 2, 1]);
}

#[test]
fn a_created_task_takes_the_place_of_the_one_made_offline_once() {
    let mut page = vec![task(-5, 0, "new"), task(2, 1, "b")];
    created(&mut page, -5, task(9, 1, "new"));
    assert_eq!(page.iter().map(|t| t.id).collect::<Vec<_>>(), [9, 2]);
    // A read after the create's first, lost answer listed the server's copy already.
    let mut page = vec![task(-5, 0, "new"), task(9, 1, "new"), task(2, 1, "b")];
    created(&mut page, -5, task(9, 1, "new"));
    assert_eq!(page.iter().map(|t| t.id).collect::<Vec<_>>(), [9, 2]);
}

#[test]
fn local_ids_are_negative() {
    assert!(local_id(1.8e12, 0.0) < 0);
    assert!(local_id(0.0, 0.5) < 0);
    assert_ne!(local_id(1.8e12, 0.1), local_id(1.8e12, 0.2));
}

fn any_target() -> impl Strategy<Value = Target> {
    prop_oneof![(1i64..12).prop_map(Target::Saved), (-20i64..0).prop_map(Target::Local)]
}

fn any_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (-20i64..0, "[a-z]{1,8}").prop_map(|(local, title)| create(local, &title)),
        (any_target(), 0i64..5, "[a-z]{1,8}").prop_map(|(t, base, title)| edit(t, base, &title)),
        (any_target(), 0i64..5, any::<bool>()).prop_map(|(task, base, completed)| Op::Toggle {
            task,
            base,
            completed
        }),
        (any_target(), 0i64..5).prop_map(|(task, base)| Op::Delete { task, base }),
        // An undo's task is the one the list showed, with every earlier change in it; one
        // the other changes do not touch stands for that here.
        (12i64..20).prop_map(|id| Op::Restore { task: Target::Saved(id), shown: Box::new(task(id, 1, "r")) }),
    ]
}

proptest! {
    /// Showing the queue twice shows the same as once: the copy of a page, stored with
    /// the queue already shown in it, is shown again the same.
    #[test]
    fn showing_the_queue_twice_is_showing_it_once(ops in prop::collection::vec(any_op(), 0..12), page in 1u32..3) {
        // A task made offline is only changed after its create.
        let mut created = Vec::new();
        let ops = ops.into_iter().filter(|op| match (op, op.target()) {
            (Op::Create { local, .. }, _) => { created.push(*local); true }
            (_, Target::Local(local)) => created.contains(&local),
            (_, Target::Saved(_)) => true,
        });
        let queue = Queue(ops.zip(1..).map(|(op, seq)| entry(seq, op)).collect());
        let mut once: Vec<Task> = (1..10).rev().map(|id| task(id, 1, "x")).collect();
        queue.overlay(&mut once, page, ACCOUNT);
        let mut twice = once.clone();
        queue.overlay(&mut twice, page, ACCOUNT);
        prop_assert_eq!(once, twice);
    }

    /// Every entry reads back as it was stored; any other text is dropped, never a panic.
    #[test]
    fn entries_read_back_and_junk_is_dropped(op in any_op(), seq in any::<u32>(), junk in any::<String>()) {
        let stored = entry(seq, op);
        prop_assert_eq!(Entry::parse(seq, &stored.text()), Some(stored));
        let _ = Entry::parse(seq, &junk);
    }
}
