"""A strict fake Telegram Bot API server for end-to-end tests, and its test client.

Run it with ``python -m tests.fake_telegram --port 0 --token TOKEN`` (it prints ``READY <port>``),
or from pytest with :class:`tests.fake_telegram.client.FakeTelegram`.
"""
