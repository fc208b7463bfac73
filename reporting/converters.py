"""URL converter for quarter codes: /dashboard/2016/17-Q2/."""


class QuarterCodeConverter:
    regex = r"[0-9]{4}/[0-9]{2}-Q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return getattr(value, "code", value)
