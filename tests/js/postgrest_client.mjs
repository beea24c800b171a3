// Drives `schemadoc serve` with Supabase's own PostgREST client for JavaScript; prints every result as JSON.
import { PostgrestClient } from '@supabase/postgrest-js'

// argv[3]: a bearer token (the role that may write)
const c = new PostgrestClient(process.argv[2], process.argv[3] ? { headers: { Authorization: `Bearer ${process.argv[3]}` } } : {})
const code = {
  code: 'JS1', discount_type: 'fixed', amount: 5, valid_from: '2024-01-01T00:00:00Z',
  valid_to: '2030-01-01T00:00:00Z', usage_limit: 3, used_count: 0,
}
const out = {}
out.select = await c.from('products').select('name,price').gt('price', 10).order('price', { ascending: false }).order('name').limit(5)
out.page = await c.from('products').select('id', { count: 'exact' }).order('id').range(3, 6)
out.filters = await c.from('orders').select('id').or('status.eq.pending,status.eq.delivered').not('payment_status', 'eq', 'failed')
out.embed = await c.from('orders').select('id,user:users(email),order_items(quantity,products(name))').order('id').limit(3)
out.embedFilter = await c.from('users').select('id,orders!inner(id)').eq('orders.status', 'pending')
out.single = await c.from('products').select('name').order('name').limit(1).single()
out.maybeSingle = await c.from('products').select('name').eq('name', 'no such product').maybeSingle()
out.insert = await c.from('promo_codes').insert(code).select()
out.duplicate = await c.from('promo_codes').insert(code)
out.upsert = await c.from('promo_codes').upsert({ ...code, usage_limit: 7 }, { onConflict: 'code' }).select()
out.update = await c.from('promo_codes').update({ used_count: 3 }).eq('code', 'JS1').select('code,used_count')
out.remove = await c.from('promo_codes').delete().eq('code', 'JS1').select('code')
out.rpc = await c.rpc('add_them', { a: 20, b: 22 })
out.rpcGet = await c.rpc('cheap_products', { max_price: 50 }, { get: true }).select('name').order('name')
out.head = await c.from('orders').select('*', { count: 'exact', head: true })
out.missing = await c.from('nosuch').select()
console.log(JSON.stringify(out))
