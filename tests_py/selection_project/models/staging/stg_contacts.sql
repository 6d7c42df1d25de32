select account_id, email from {{ source('crm', 'contacts') }}
