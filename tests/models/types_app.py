"""A FastAPI app whose OpenAPI document has every shape the type authority must get right: discriminated and
undiscriminated unions, const tags, 3.1 `anyOf` nullables, inline enums, free-form objects and unknown keys,
readOnly/writeOnly fields, and 3.1 binary. The tests generate a client from `app.openapi()` and call it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Form, HTTPException, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Types", version="1")


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    name: str
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"]  # required on the wire: a client that does not send it gets a 422
    name: str
    breed: str | None = None


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Remark(BaseModel):
    text: str


class Incident(BaseModel):
    text: str
    severity: int


class Record(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    payload: dict[str, Any]
    note: str | None = None


class Account(BaseModel):
    id: Annotated[str, Field(json_schema_extra={"readOnly": True})] = ""
    email: str
    password: Annotated[str | None, Field(json_schema_extra={"writeOnly": True})] = None


@app.post("/pets", tags=["pets"], operation_id="create_pet")
def create_pet(pet: Pet) -> Pet:
    return pet


@app.get("/pets", tags=["pets"], operation_id="list_pets")
def list_pets() -> list[Pet]:
    return [Cat(name="Tom"), Dog(kind="dog", name="Rex", breed=None)]


@app.get("/events", tags=["events"], operation_id="list_events")
def list_events() -> list[Remark | Incident]:
    return [Remark(text="all quiet"), Incident(text="fire", severity=3)]


@app.get("/search", tags=["pets"], operation_id="search")
def search(order: Literal["asc", "desc"] = "asc", limit: int | None = None) -> dict[str, Any]:
    return {"order": order, "limit": limit}


@app.post("/records", tags=["records"], operation_id="put_record")
def put_record(record: Record) -> Record:
    # Echo it with a key the client's model has never heard of, as a newer server would.
    return Record(**record.model_dump(), added_later={"nested": [1, None]})


@app.post("/accounts", tags=["accounts"], operation_id="create_account")
def create_account(account: Account) -> Account:
    if account.id:
        raise HTTPException(400, "id is assigned by the server")
    if not account.password:
        raise HTTPException(400, "a password is required")
    return Account(id=str(uuid.UUID(int=7)), email=account.email)


@app.post("/upload", tags=["files"], operation_id="upload")
async def upload(file: Annotated[UploadFile, File()], note: Annotated[str, Form()] = "") -> dict[str, Any]:
    data = await file.read()
    return {"filename": file.filename, "size": len(data), "note": note}


@app.get(
    "/blob",
    tags=["files"],
    operation_id="download",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
def download() -> Response:
    return Response(bytes(range(256)), media_type="application/octet-stream")
