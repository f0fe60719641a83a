"""The outbox: mail kept on this machine when no SMTP server is configured."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, CreatedAt


class OutboxMessage(CreatedAt, Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
