// Type families of result columns: they choose the header icon and the
// alignment of the cells. Built-in types are recognised by OID; any other
// type (an enum, a composite, an extension type) by the pg_type.typcategory
// the backend sends with the column.

export interface TypedColumn {
  typeOid: number;
  typeName: string;
  /** pg_type.typcategory, one letter; may be missing or empty while unknown. */
  typeCategory?: string;
}

export type TypeFamily =
  | 'number'
  | 'text'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'interval'
  | 'json'
  | 'binary'
  | 'uuid'
  | 'network'
  | 'array'
  | 'range'
  | 'enum'
  | 'composite'
  | 'geometry'
  | 'bits'
  | 'xml'
  | 'search'
  | 'other';

const byOid = new Map<number, TypeFamily>([
  [20, 'number'], // int8
  [21, 'number'], // int2
  [23, 'number'], // int4
  [26, 'number'], // oid
  [28, 'number'], // xid
  [700, 'number'], // float4
  [701, 'number'], // float8
  [790, 'number'], // money
  [1700, 'number'], // numeric
  [5069, 'number'], // xid8
  [16, 'boolean'],
  [18, 'text'], // "char"
  [19, 'text'], // name
  [25, 'text'],
  [1042, 'text'], // character
  [1043, 'text'], // character varying
  // reg* types print as names although their category is numeric.
  [24, 'text'],
  [2202, 'text'],
  [2203, 'text'],
  [2204, 'text'],
  [2205, 'text'],
  [2206, 'text'],
  [3734, 'text'],
  [3769, 'text'],
  [4089, 'text'],
  [4096, 'text'],
  [4191, 'text'],
  [114, 'json'],
  [3802, 'json'],
  [4072, 'json'], // jsonpath
  [17, 'binary'], // bytea
  [2950, 'uuid'],
  [650, 'network'], // cidr
  [869, 'network'], // inet
  [829, 'network'], // macaddr
  [774, 'network'], // macaddr8
  [1082, 'date'],
  [1083, 'time'],
  [1266, 'time'],
  [1114, 'timestamp'],
  [1184, 'timestamp'],
  [1186, 'interval'],
  [1560, 'bits'],
  [1562, 'bits'],
  [142, 'xml'],
  [3614, 'search'], // tsvector
  [3615, 'search'], // tsquery
]);

const byCategory: Record<string, TypeFamily> = {
  N: 'number',
  S: 'text',
  B: 'boolean',
  D: 'timestamp',
  T: 'interval',
  E: 'enum',
  A: 'array',
  C: 'composite',
  R: 'range',
  G: 'geometry',
  I: 'network',
  V: 'bits',
};

export function typeFamily(c: TypedColumn): TypeFamily {
  const known = byOid.get(c.typeOid);
  if (known) return known;
  const cat = c.typeCategory ? byCategory[c.typeCategory] : undefined;
  if (cat) return cat;
  if (c.typeName.endsWith('[]')) return 'array';
  return 'other';
}

/** Numbers are right-aligned, so digits line up. */
export function alignsRight(c: TypedColumn): boolean {
  return typeFamily(c) === 'number';
}

/** What a header's tooltip says about the type. */
export function typeLabel(c: TypedColumn): string {
  return c.typeName || `type ${c.typeOid}`;
}
