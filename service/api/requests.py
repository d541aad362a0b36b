"""Reading a JSON request body: 415, 413 and 400 said clearly, amounts kept exact."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import request

from service.errors import ApiError


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_body() -> Any:
    """The request body parsed as JSON, with numbers that have a fraction as Decimal.

    Parsing floats as ``Decimal`` keeps 25000.5 exactly 25000.50 all the way to
    the document. Werkzeug raises 413 while reading a body over the size limit.
    """
    if not request.is_json:
        raise ApiError(
            415,
            "The request body must be JSON, sent with Content-Type: application/json.",
        )
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"The request body is not UTF-8: {exc.reason}.") from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"The request body is not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno}).",
        ) from exc
    except ValueError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}.") from exc
    except RecursionError as exc:
        raise ApiError(400, "The request body is nested too deeply.") from exc
