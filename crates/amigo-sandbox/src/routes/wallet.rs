//! `POST /api/commerce/sandbox/reset-balance/`: refills a test wallet to ₦1,000,000.

use amigo_types::token::Mode;
use amigo_types::wallet::{ResetBalance, TEST_WALLET_START};
use amigo_types::{DataEnvelope, format_naira};
use axum::Json;
use axum::extract::State;

use crate::error::SandboxError;
use crate::extract::Caller;
use crate::state::AppState;

/// Test tokens only; live tokens get `403 live_token_not_allowed`.
pub(crate) async fn reset(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataEnvelope<ResetBalance>>, SandboxError> {
    if caller.token.mode() == Mode::Live {
        return Err(SandboxError::LiveTokenNotAllowed);
    }
    let balance = state
        .merchants
        .get(&caller.token)
        .wallet
        .reset(TEST_WALLET_START);
    Ok(Json(DataEnvelope::new(ResetBalance {
        test_balance: balance,
        display: format_naira(balance),
        livemode: false,
    })))
}
