"""kyr-bot: vetted know-your-rights information for people facing US immigration enforcement."""
