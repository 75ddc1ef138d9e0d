//! The app's copy of the user's own data in IndexedDB, which every tab of the browser
//! shares: the last pages of tasks and the feed's cursor (`pages`), whose account they
//! are (`account`), and the queue of changes waiting to be sent (`queue`, keyed by a
//! number that rises with each change). Values are JSON text. No token is ever stored:
//! the session stays in its HttpOnly cookie.
//!
//! A browser without IndexedDB (or one that refuses it, as some private modes do) makes
//! every call here fail; the app then works as it did without a copy.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

const NAME: &str = "tasks";
const VERSION: u32 = 1;
pub const PAGES: &str = "pages";
pub const ACCOUNT: &str = "account";
pub const QUEUE: &str = "queue";
/// The one key of the `account` store.
const ACCOUNT_KEY: &str = "user";

/// Why a call did not go through; nothing more can be done about it than to go on
/// without the copy.
#[derive(Debug)]
pub struct Unavailable;

impl From<JsValue> for Unavailable {
    fn from(_: JsValue) -> Self {
        Self
    }
}

type Result<T> = std::result::Result<T, Unavailable>;

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Waits for `arm` to hand the promise's resolve and reject functions to a request or
/// transaction, and for one of them to be called.
async fn settled(arm: impl FnOnce(&Function, &Function)) -> Result<()> {
    let mut arm = Some(arm);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(arm) = arm.take() {
            arm(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await?;
    Ok(())
}

async fn request(request: IdbRequest) -> Result<JsValue> {
    settled(|resolve, reject| {
        request.set_onsuccess(Some(resolve));
        request.set_onerror(Some(reject));
    })
    .await?;
    Ok(request.result()?)
}

/// Waits until a read-write transaction is committed.
async fn committed(transaction: IdbTransaction) -> Result<()> {
    settled(|resolve, reject| {
        transaction.set_oncomplete(Some(resolve));
        transaction.set_onerror(Some(reject));
        transaction.set_onabort(Some(reject));
    })
    .await
}

async fn database() -> Result<IdbDatabase> {
    if let Some(open) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(open);
    }
    let factory = web_sys::window().ok_or(Unavailable)?.indexed_db()?.ok_or(Unavailable)?;
    let opening: IdbOpenDbRequest = factory.open_with_u32(NAME, VERSION)?;
    let upgrading = opening.clone();
    let upgrade = Closure::once_into_js(move || {
        let Ok(result) = upgrading.result() else { return };
        let db: IdbDatabase = result.unchecked_into();
        let _ = db.create_object_store(PAGES);
        let _ = db.create_object_store(ACCOUNT);
        let keyed = IdbObjectStoreParameters::new();
        keyed.set_auto_increment(true);
        let _ = db.create_object_store_with_optional_parameters(QUEUE, &keyed);
    });
    opening.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = request(opening.into()).await?.dyn_into()?;
    OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn transaction(db: &IdbDatabase, stores: &[&str], mode: IdbTransactionMode) -> Result<IdbTransaction> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    Ok(db.transaction_with_str_sequence_and_mode(&names, mode)?)
}

/// The text stored under `key` in `store`.
pub async fn get(store: &str, key: &str) -> Result<Option<String>> {
    let db = database().await?;
    let read = transaction(&db, &[store], IdbTransactionMode::Readonly)?;
    let value = request(read.object_store(store)?.get(&JsValue::from_str(key))?).await?;
    Ok(value.as_string())
}

pub async fn put(store: &str, key: &str, value: &str) -> Result<()> {
    let db = database().await?;
    let write = transaction(&db, &[store], IdbTransactionMode::Readwrite)?;
    write.object_store(store)?.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?;
    committed(write).await
}

/// The stored account (the user the copy belongs to).
pub async fn account() -> Result<Option<String>> {
    get(ACCOUNT, ACCOUNT_KEY).await
}

pub async fn set_account(user: &str) -> Result<()> {
    put(ACCOUNT, ACCOUNT_KEY, user).await
}

/// Empties `stores`, in one transaction.
pub async fn clear(stores: &[&str]) -> Result<()> {
    let db = database().await?;
    let write = transaction(&db, stores, IdbTransactionMode::Readwrite)?;
    for store in stores {
        write.object_store(store)?.clear()?;
    }
    committed(write).await
}

/// The queue, oldest first, as its keys and texts.
pub async fn queue() -> Result<Vec<(u32, String)>> {
    let db = database().await?;
    let read = transaction(&db, &[QUEUE], IdbTransactionMode::Readonly)?;
    let store = read.object_store(QUEUE)?;
    let keys = store.get_all_keys()?;
    let values = store.get_all()?;
    let keys: Array = request(keys).await?.dyn_into()?;
    let values: Array = request(values).await?.dyn_into()?;
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(key, value)| Some((key.as_f64()? as u32, value.as_string()?)))
        .collect())
}

/// Adds to the end of the queue; returns the key the change is stored under.
pub async fn enqueue(value: &str) -> Result<u32> {
    let db = database().await?;
    let write = transaction(&db, &[QUEUE], IdbTransactionMode::Readwrite)?;
    let added = write.object_store(QUEUE)?.add(&JsValue::from_str(value))?;
    committed(write).await?;
    Ok(added.result()?.as_f64().ok_or(Unavailable)? as u32)
}

/// Takes `done` out of the queue and stores `rewritten` in place of those entries, in one
/// transaction: a reload between the two never finds one without the other.
pub async fn settle(done: u32, rewritten: &[(u32, String)]) -> Result<()> {
    let db = database().await?;
    let write = transaction(&db, &[QUEUE], IdbTransactionMode::Readwrite)?;
    let store = write.object_store(QUEUE)?;
    store.delete(&JsValue::from(done))?;
    for (key, value) in rewritten {
        store.put_with_key(&JsValue::from_str(value), &JsValue::from(*key))?;
    }
    committed(write).await
}
