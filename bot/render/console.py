"""Reply → plain terminal text with numbered buttons."""

from __future__ import annotations

import textwrap

from bot.actions import Action
from bot.reply import Reply


def render_console(reply: Reply, width: int = 76) -> tuple[str, list[Action]]:
    """Text for the terminal and the Actions behind the numbers shown."""
    lines: list[str] = []
    for i, block in enumerate(reply.blocks):
        if i and (not block.bullet) and reply.blocks[i - 1].bullet:
            lines.append("")
        text = ""
        for span in block.spans:
            piece = span.text
            if span.href:
                piece = f"{piece} <{span.href}>"
            text += piece
        for para in text.split("\n"):
            wrapped = textwrap.wrap(para, width - 4) or [""]
            if block.bullet:
                lines += ["  • " + wrapped[0], *["    " + w for w in wrapped[1:]]]
            else:
                lines += wrapped
        if not block.bullet:
            lines.append("")
    if reply.media is not None:  # on Telegram a picture or a voice note; here, what it is
        kind = "picture" if reply.media.kind == "card" else "voice note"
        lines += [f"[{kind}: {reply.media.caption}]".replace("\n", " "), ""]
    actions: list[Action] = []
    for row in reply.keyboard:
        labels = []
        for button in row:
            if button.action is None:
                continue
            actions.append(button.action)
            labels.append(f"[{len(actions)}] {button.label}")
        if labels:
            lines.append("   ".join(labels))
    return "\n".join(lines).rstrip() + "\n", actions
