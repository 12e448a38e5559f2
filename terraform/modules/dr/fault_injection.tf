# FIS experiment templates for `ops drill run --inject replication-pause`: DynamoDB global table and S3
# replication pause actions, so a drill can prove it reports an RPO breach. The drill finds the template
# by its tags (mbt:drill-fault, Name prefix), starts it, and stops it on failback. No experiment runs
# unless a drill starts one.
locals {
  fault_injection = var.fault_injection != null
}

resource "aws_iam_role" "fault_injection" {
  count = local.fault_injection ? 1 : 0

  name                 = "${var.name_prefix}-drill-fis"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "fis.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The permissions the two actions need (AWS FIS actions reference): a deny-replication resource policy on
# the global table's replicas, and paused replication on the media bucket.
resource "aws_iam_role_policy" "fault_injection" {
  count = local.fault_injection ? 1 : 0

  name = "pause-replication"
  role = aws_iam_role.fault_injection[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "PauseTableReplication"
        Effect = "Allow"
        Action = [
          "dynamodb:DescribeTable",
          "dynamodb:GetResourcePolicy",
          "dynamodb:PutResourcePolicy",
          "dynamodb:DeleteResourcePolicy",
        ]
        Resource = var.fault_injection.table_arns
      },
      {
        Sid    = "PauseBucketReplication"
        Effect = "Allow"
        Action = [
          "s3:GetReplicationConfiguration",
          "s3:PutReplicationConfiguration",
          "s3:PauseReplication",
          "s3:ListBucket",
        ]
        Resource = var.fault_injection.media_bucket_arn
      },
      {
        Sid      = "ResolveTargets"
        Effect   = "Allow"
        Action   = "tag:GetResources"
        Resource = "*"
      },
    ]
  })
}

resource "aws_fis_experiment_template" "replication_pause" {
  count = local.fault_injection ? 1 : 0

  description = "DR drill fault: pause table and media replication to ${var.fault_injection.dr_region} (ops drill run --inject replication-pause)"
  role_arn    = aws_iam_role.fault_injection[0].arn

  action {
    name        = "pause-table-replication"
    action_id   = "aws:dynamodb:global-table-pause-replication"
    description = "Stop replicating the global table to its replicas."
    target {
      key   = "Tables"
      value = "table"
    }
    parameter {
      key   = "duration"
      value = var.fault_injection.duration
    }
  }

  action {
    name        = "pause-media-replication"
    action_id   = "aws:s3:bucket-pause-replication"
    description = "Stop replicating the media bucket to the DR bucket."
    target {
      key   = "Buckets"
      value = "media"
    }
    parameter {
      key   = "duration"
      value = var.fault_injection.duration
    }
    parameter {
      key   = "region"
      value = var.fault_injection.dr_region
    }
  }

  target {
    name           = "table"
    resource_type  = "aws:dynamodb:global-table"
    resource_arns  = [var.fault_injection.table_arns[0]]
    selection_mode = "ALL"
  }

  target {
    name           = "media"
    resource_type  = "aws:s3:bucket"
    resource_arns  = [var.fault_injection.media_bucket_arn]
    selection_mode = "ALL"
  }

  # The drill stops the experiment on failback; the duration bounds it if the drill cannot.
  stop_condition {
    source = "none"
  }

  tags = {
    Name              = "${var.name_prefix}-replication-pause"
    "mbt:drill-fault" = "replication-pause"
  }
}
