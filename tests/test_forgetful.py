"""PTB keeps every user and chat id in memory; our Application must forget them."""

from __future__ import annotations

from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.bundle import Bundle
from bot.config import Config
from bot.telegram.app import PERSISTENCE_ID_SETS, build_application
from bot.telegram.holder import BundleHolder
from tests.e2e import TOKEN
from tests.offline import OfflineRequest, callback_update, message_update, to_update


async def test_plain_ptb_still_remembers_ids() -> None:
    """If PTB changes how it tracks ids, this fails and ForgetfulApplication must be revisited."""
    request = OfflineRequest()
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).build()

    async def noop(update: object, context: object) -> None:
        return None

    app.add_handler(MessageHandler(filters.ALL, noop))
    async with app:
        for uid in range(1, 4):
            await app.process_update(to_update(message_update(uid, uid, "hi"), app.bot))
        for name in PERSISTENCE_ID_SETS:
            assert getattr(app, name) == {1, 2, 3}, name


async def test_our_application_forgets_every_id(small: Bundle) -> None:
    config = Config(token=TOKEN, rate_limit_per_second=0)
    request = OfflineRequest()
    app = build_application(config, BundleHolder(config, small), request=request)
    async with app:
        for uid in range(1, 50):
            await app.process_update(
                to_update(message_update(uid, 10_000 + uid, "/start"), app.bot)
            )
            await app.process_update(
                to_update(callback_update(uid + 100, 10_000 + uid, "1:es:t:at-home"), app.bot)
            )
        for name in PERSISTENCE_ID_SETS:
            assert hasattr(app, name), f"PTB no longer has {name}: revisit ForgetfulApplication"
            assert getattr(app, name) == set(), name
        assert dict(app.user_data) == {} and dict(app.chat_data) == {}
    sent = [m for m, _ in request.calls if m in ("sendMessage", "editMessageText")]
    assert len(sent) >= 98
