#ifndef NEWSWATCH_CPOSTGRES_SHIM_H
#define NEWSWATCH_CPOSTGRES_SHIM_H
/* libpq, PostgreSQL's client library (Debian: libpq-dev). Only PostgresConnection.swift uses it. */
#include <libpq-fe.h>
#endif
