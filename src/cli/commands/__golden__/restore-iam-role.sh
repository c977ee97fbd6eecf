#!/bin/sh
set -eu
# aws:111122223333:iam/Role/deploy as recorded last changed 2026-03-02T01:06:12Z by bob@example.com in <commit>
aws iam create-role --cli-input-json '{"RoleName":"deploy","AssumeRolePolicyDocument":"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}","Path":"/","Description":"deploys the shop"}'
aws iam put-role-policy --cli-input-json '{"RoleName":"deploy","PolicyName":"everything","PolicyDocument":"{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}"}'
